/**
 * Test-speed shim: SHA-256 through `node:crypto` instead of WebCrypto. The
 * result is the same digest; WebCrypto goes through the libuv thread pool,
 * and on two busy cores each of the thousands of awaits per fuzz run costs
 * about 0.3 ms. Imported only by the fuzz suite (vitest isolates test files).
 */
import { createHash } from 'node:crypto'

const subtle = globalThis.crypto.subtle
const webDigest = subtle.digest.bind(subtle)

Object.defineProperty(subtle, 'digest', {
  configurable: true,
  value: async (algorithm: AlgorithmIdentifier, data: BufferSource): Promise<ArrayBuffer> => {
    const name = typeof algorithm === 'string' ? algorithm : algorithm.name
    if (name.toUpperCase() !== 'SHA-256') return webDigest(algorithm, data)
    const bytes = ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data)
    const digest = createHash('sha256').update(bytes).digest()
    return digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength) as ArrayBuffer
  },
})
