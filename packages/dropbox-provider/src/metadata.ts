/**
 * Translating between `BlobStore` paths and metadata and Dropbox's. Paths
 * are absolute inside the app folder and compared in lower case.
 */

import type { BlobMeta } from '@y-dropbox/core'
import { MalformedResponseError } from './dropbox-errors.ts'

// Paths follow the same rules in every BlobStore adapter: core owns them.
export { isUnder, normalizePath, normalizePrefix as normalizeFolder } from '@y-dropbox/core'

/** The folder holding `path` (`''` for the root). */
export function parentFolder(path: string): string {
  return path.slice(0, Math.max(0, path.lastIndexOf('/')))
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
