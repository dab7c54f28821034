import { createHash } from 'node:crypto'

/** Dropbox hashes content in blocks of this many bytes (4 MiB). */
export const CONTENT_HASH_BLOCK_SIZE = 4 * 1024 * 1024

/**
 * Dropbox's `content_hash`: SHA-256 of the concatenated SHA-256 digests of each 4 MiB block,
 * as lower-case hex. The empty file hashes to SHA-256 of nothing.
 */
export function dropboxContentHash(data: Uint8Array): string {
  const top = createHash('sha256')
  for (let offset = 0; offset < data.length; offset += CONTENT_HASH_BLOCK_SIZE) {
    const block = data.subarray(offset, Math.min(data.length, offset + CONTENT_HASH_BLOCK_SIZE))
    top.update(createHash('sha256').update(block).digest())
  }
  return top.digest('hex')
}
