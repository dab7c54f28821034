/** How `FsBlobStore` reads its files' metadata lines and its identity file. */

import { open, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { BlobMeta } from '../blob-store.ts'
import { CorruptBlobError, YDropboxError } from '../errors.ts'
import { randomId } from '../ids.ts'
import { createFileAtomic, errorCode, readAt } from './fs-util.ts'

/** The longest metadata line a store file may start with. */
const MAX_HEADER = 4096
const FORMAT = 'y-dropbox-fs-blob-store'

/** Encodes the metadata line written before a file's bytes. */
export function encodeHeader(meta: BlobMeta): Uint8Array {
  return new TextEncoder().encode(
    `${JSON.stringify({ rev: meta.rev, size: meta.size, contentHash: meta.contentHash })}\n`,
  )
}

/** Parses a metadata line (without its newline); throws `CorruptBlobError` when it is not one. */
export function parseHeader(path: string, line: Uint8Array): BlobMeta {
  try {
    const value = JSON.parse(new TextDecoder().decode(line)) as Partial<BlobMeta>
    if (
      typeof value.rev === 'string' &&
      typeof value.size === 'number' &&
      typeof value.contentHash === 'string'
    ) {
      return { path, rev: value.rev, size: value.size, contentHash: value.contentHash }
    }
  } catch {
    // reported below
  }
  throw new CorruptBlobError(
    'file in the store folder has no metadata line; it was not written by FsBlobStore',
    path,
  )
}

/**
 * Reads the metadata of the file at `file` (logical path `path`): undefined
 * when there is none, `'folder'` when it is a folder.
 */
export async function readFileHeader(file: string, path: string): Promise<BlobMeta | 'folder' | undefined> {
  let handle: Awaited<ReturnType<typeof open>>
  try {
    handle = await open(file, 'r')
  } catch (error) {
    const code = errorCode(error)
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    if (code === 'EISDIR') return 'folder'
    throw error
  }
  try {
    const head = await readAt(handle, 0, MAX_HEADER)
    const end = head.indexOf(10)
    return parseHeader(path, head.subarray(0, Math.max(0, end)))
  } catch (error) {
    if (errorCode(error) === 'EISDIR') return 'folder'
    throw error
  } finally {
    await handle.close()
  }
}

/** Reads the store's identity from `store.json`, creating it on first use. */
export async function readStoreId(dir: string): Promise<string> {
  const path = join(dir, 'store.json')
  const fresh = JSON.stringify({ format: FORMAT, version: 1, id: randomId() })
  await createFileAtomic(path, new TextEncoder().encode(fresh))
  const text = await readFile(path, 'utf8')
  try {
    const value = JSON.parse(text) as { format?: unknown; version?: unknown; id?: unknown }
    if (value.format === FORMAT && value.version === 1 && typeof value.id === 'string') return value.id
  } catch {
    // reported below
  }
  throw new YDropboxError(`${path} does not describe an FsBlobStore (version 1); use another folder`)
}
