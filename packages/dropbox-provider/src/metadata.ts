/**
 * Translating between `BlobStore` paths and metadata and Dropbox's. Paths
 * are absolute inside the app folder and compared in lower case.
 */

import type { BlobMeta } from '@y-dropbox/core'
import { YDropboxError } from '@y-dropbox/core'
import { MalformedResponseError } from './dropbox-errors.ts'

/** Validates a file path (`/pool/devices/a.json`) and returns it in lower case. */
export function normalizePath(path: string): string {
  const lower = path.toLowerCase()
  if (!lower.startsWith('/') || lower.length < 2 || lower.endsWith('/')) {
    throw new YDropboxError(`invalid file path "${path}": use an absolute path like /folder/name.ext`)
  }
  checkSegments(path, lower)
  return lower
}

/** Validates a folder; the root (`''` or `'/'`) becomes `''` (Dropbox's name for it), others lose a trailing `/`. */
export function normalizeFolder(prefix: string): string {
  let lower = prefix.toLowerCase()
  while (lower.endsWith('/')) lower = lower.slice(0, -1)
  if (lower === '') return ''
  if (!lower.startsWith('/'))
    throw new YDropboxError(`invalid folder "${prefix}": use an absolute path like /folder`)
  checkSegments(prefix, lower)
  return lower
}

/** The folder holding `path` (`''` for the root). */
export function parentFolder(path: string): string {
  return path.slice(0, Math.max(0, path.lastIndexOf('/')))
}

/** True when `path` lies inside `folder` (as returned by {@link normalizeFolder}). */
export function isUnder(path: string, folder: string): boolean {
  return folder === '' || (path.startsWith(folder) && path.charCodeAt(folder.length) === 47)
}

/** Dropbox file metadata, as returned by uploads, downloads and listings. */
interface DropboxFileFields {
  path_lower?: string
  rev?: string
  size?: number
  content_hash?: string
}

/**
 * `BlobMeta` from Dropbox file metadata. A 2xx response without these fields
 * means a truncated body: thrown as `MalformedResponseError`, which is retried.
 */
export function fileMeta(value: unknown, what: string): BlobMeta {
  const m = (value ?? {}) as DropboxFileFields
  if (typeof m.path_lower !== 'string' || typeof m.rev !== 'string' || typeof m.size !== 'number') {
    throw new MalformedResponseError(`Dropbox sent incomplete metadata for ${what}`)
  }
  return { path: m.path_lower, rev: m.rev, size: m.size, contentHash: m.content_hash ?? '' }
}

/** The entry of a deleted file in a cursor listing. */
export function deletedMeta(path: string): BlobMeta {
  return { path, rev: '', size: 0, contentHash: '', deleted: true }
}

/**
 * The bytes of a download: `fileBinary` (a Buffer, from the SDK's CommonJS
 * build in Node) or `fileBlob` (its ES-module and browser builds).
 */
export async function downloadedBytes(result: unknown, what: string): Promise<Uint8Array> {
  const r = result as { fileBinary?: Uint8Array; fileBlob?: { arrayBuffer(): Promise<ArrayBuffer> } }
  if (r?.fileBinary instanceof Uint8Array) {
    // A plain Uint8Array copy: Buffers compare unequal to Uint8Arrays in some assertions and may share a pool.
    return new Uint8Array(r.fileBinary)
  }
  if (r?.fileBlob && typeof r.fileBlob.arrayBuffer === 'function') {
    return new Uint8Array(await r.fileBlob.arrayBuffer())
  }
  throw new MalformedResponseError(`Dropbox sent no file content for ${what}`)
}

function checkSegments(original: string, lower: string): void {
  for (const segment of lower.slice(1).split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw new YDropboxError(`invalid path "${original}": empty, "." and ".." segments are not allowed`)
    }
  }
}
