/**
 * Many files of one folder in one call: `files/download_zip`, unzipped with
 * fflate, each file checked against the size and content hash its listing
 * gave. A file missing from the zip or not matching (changed since the
 * listing) is downloaded on its own; so is every file when Dropbox refuses
 * the zip (`too_large`, `too_many_files`, the folder gone) or the zip cannot
 * be read.
 */

import type { BlobFile, BlobMeta } from '@y-dropbox/core'
import { contentHash } from '@y-dropbox/core'
import type { Dropbox } from 'dropbox'
import { unzipSync } from 'fflate'
import type { DropboxCaller } from './caller.ts'
import { DropboxRouteError } from './dropbox-errors.ts'
import type { Limiter } from './limiter.ts'
import { downloadedBytes, isUnder, normalizeFolder, normalizePath } from './metadata.ts'

/** What a folder read needs from the store. */
export interface GetFolderContext {
  caller: DropboxCaller
  client: Dropbox
  reads: Limiter
  /** The store's single-file read, for files the zip does not serve. */
  get(path: string): Promise<BlobFile | undefined>
}

/** Reads `files` (from a listing of `folder`), in input order, through one zip where Dropbox allows it. */
export async function getFolderFiles(
  ctx: GetFolderContext,
  folder: string,
  files: readonly BlobMeta[],
): Promise<Array<BlobFile | undefined>> {
  const prefix = normalizeFolder(folder)
  const paths = files.map((meta) => normalizePath(meta.path))
  const outside = paths.find((p) => !isUnder(p, prefix))
  if (outside !== undefined) throw new RangeError(`getFolder: ${outside} is not under ${prefix || '/'}`)
  if (files.length === 0) return []
  const zipped = await downloadZip(ctx, prefix, new Set(paths), files)
  return Promise.all(
    files.map(async (meta, i) => {
      const path = paths[i]!
      const data = zipped?.get(path)
      if (data && data.length === meta.size && (await contentHash(data)) === meta.contentHash) {
        return { data, meta: { path, rev: meta.rev, size: meta.size, contentHash: meta.contentHash } }
      }
      return ctx.get(path)
    }),
  )
}

/** The wanted files of the folder's zip by lower-case path, or undefined when there is no usable zip. */
async function downloadZip(
  ctx: GetFolderContext,
  prefix: string,
  wanted: Set<string>,
  files: readonly BlobMeta[],
): Promise<Map<string, Uint8Array> | undefined> {
  let zip: Uint8Array
  try {
    const bytes = files.reduce((n, f) => n + f.size, 0)
    zip = await ctx.reads.run(() =>
      ctx.caller.call(
        `download ${prefix} as a zip`,
        async ({ options }) => {
          const { result } = await ctx.client.filesDownloadZip({ path: prefix }, options)
          return downloadedBytes(result, `the zip of ${prefix}`)
        },
        { timeoutMs: ctx.caller.timeoutFor(bytes) },
      ),
    )
  } catch (error) {
    // Refused (too large, too many files, folder gone): the files are read one by one.
    if (error instanceof DropboxRouteError) return undefined
    throw error
  }
  // Entries start with the folder's own name (`Log/dev/1.ydu` of `/pool/log`): strip it.
  const pathOf = (name: string) => `${prefix}/${name.slice(name.indexOf('/') + 1).toLowerCase()}`
  try {
    const entries = unzipSync(zip, { filter: (file) => wanted.has(pathOf(file.name)) })
    return new Map(Object.entries(entries).map(([name, data]) => [pathOf(name), data]))
  } catch {
    // A damaged zip: every file is read on its own (and checked there).
    return undefined
  }
}
