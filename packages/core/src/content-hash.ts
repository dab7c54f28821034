/** Dropbox's content hash: SHA-256 over the concatenated SHA-256 digests of each 4 MiB block. */
import { sha256 } from './platform.ts'

const BLOCK_SIZE = 4 * 1024 * 1024

/** Returns the Dropbox content hash of `data` as lower-case hex. */
export async function contentHash(data: Uint8Array): Promise<string> {
  const blocks = Math.max(1, Math.ceil(data.length / BLOCK_SIZE))
  const digests = new Uint8Array(blocks * 32)
  for (let i = 0; i < blocks; i++) {
    const block = data.subarray(i * BLOCK_SIZE, Math.min(data.length, (i + 1) * BLOCK_SIZE))
    digests.set(await sha256(block), i * 32)
  }
  // The empty file has no blocks: its hash is SHA-256 of nothing.
  const top = data.length === 0 ? digests.subarray(0, 0) : digests
  return toHex(await sha256(top))
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (const b of bytes) out += b.toString(16).padStart(2, '0')
  return out
}
