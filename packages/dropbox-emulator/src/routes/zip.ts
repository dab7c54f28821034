/**
 * `files/download_zip`: a folder as one zip, the way Dropbox sends it. The zip holds the
 * folder under its own name (`Folder/`), every subfolder as an entry of its own and every
 * file deflated under its path as first written, with sizes and CRC in data descriptors
 * (Dropbox streams it). Limits are Dropbox's: the folder under 20 GB, each file under 4 GB,
 * and fewer than 10,000 file and folder entries counting the folder itself.
 */
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate'
import { routeError, routeErrorOf, tagChain } from '../api-error.ts'
import { Args } from '../args.ts'
import type { FileEntry, FolderEntry } from '../entries.ts'
import type { ZipLimits } from '../options.ts'
import { nameOf } from '../paths.ts'
import type { Reply, RouteContext } from '../state.ts'
import { headerSafeJson, lookup } from './files.ts'

/** The limits Dropbox documents for `files/download_zip`. */
export const DROPBOX_ZIP_LIMITS: ZipLimits = {
  maxBytes: 20 * 1000 ** 3,
  maxFileBytes: 4 * 1000 ** 3,
  maxEntries: 10_000,
}

/** `files/download_zip`: the zip in the body, `{metadata: FolderMetadata}` in `Dropbox-API-Result`. */
export async function downloadZip(ctx: RouteContext): Promise<Reply> {
  const args = Args.of(ctx.route, 'HTTP header "Dropbox-API-Arg"', ctx.arg)
  const target = lookup(ctx.state, args.path('path', ['path'], 'allow'))
  if (!target) throw routeErrorOf(['path', 'not_found'])
  if (target.tag !== 'folder') throw routeErrorOf(['path', 'not_folder'])
  const limits = { ...DROPBOX_ZIP_LIMITS, ...ctx.state.options.zipLimits }
  const folders: FolderEntry[] = [target]
  const files: FileEntry[] = []
  let total = 0
  for (const entry of ctx.state.namespace.select(target.lower, true, 0, false)) {
    if (entry.tag === 'file') {
      files.push(entry)
      total += entry.size
      if (entry.size >= limits.maxFileBytes) throw routeError(tagChain(['too_large']))
    } else if (entry.tag === 'folder' && entry.lower !== target.lower) folders.push(entry)
  }
  if (total >= limits.maxBytes) throw routeError(tagChain(['too_large']))
  if (folders.length + files.length >= limits.maxEntries) throw routeError(tagChain(['too_many_files']))

  // Inside the zip, paths start at the folder's own name: `/Diary/Log/1.ydu` of `/Diary` is `Diary/Log/1.ydu`.
  const base = target.display.length - nameOf(target.display).length
  const inZip = (display: string) => display.slice(base)
  const byPath = (a: { lower: string }, b: { lower: string }) => (a.lower < b.lower ? -1 : 1)
  const chunks: Uint8Array[] = []
  let failure: Error | null = null
  const zip = new Zip((error, chunk) => {
    if (error) failure = error
    else chunks.push(chunk)
  })
  for (const folder of folders.sort(byPath)) {
    const entry = new ZipPassThrough(`${inZip(folder.display)}/`)
    zip.add(entry)
    entry.push(new Uint8Array(0), true)
  }
  for (const file of files.sort(byPath)) {
    const bytes = await ctx.state.content.get(file.contentHash)
    // A file deleted while the zip is built is left out, as from a listing taken a moment later.
    if (!bytes) continue
    const entry = new ZipDeflate(inZip(file.display), { level: 1 })
    entry.mtime = new Date(file.serverModified)
    zip.add(entry)
    entry.push(bytes, true)
  }
  zip.end()
  if (failure) throw failure
  const body = Buffer.concat(chunks)
  return {
    body,
    headers: {
      'Content-Type': 'application/zip',
      'Dropbox-API-Result': headerSafeJson({
        metadata: {
          name: nameOf(target.display),
          path_lower: target.lower,
          path_display: target.display,
          id: target.id,
        },
      }),
    },
  }
}
