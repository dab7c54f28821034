/**
 * The built-in fallbacks (fflate, @noble/hashes, Math.random ids) against the
 * runtime's own API: the same format whichever wrote it, read both ways.
 */
import { createHash } from 'node:crypto'
import { hideWebPlatform } from '@y-dropbox/testing'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { contentHash } from '../../src/content-hash.ts'
import { type BlobContent, decodeBlob, encodeBlob } from '../../src/format/blob.ts'
import { deflate, inflate } from '../../src/format/compression.ts'
import { isValidId, randomId } from '../../src/ids.ts'

let restore: (() => void) | undefined
const bare = () => {
  restore = hideWebPlatform()
}
const native = () => {
  restore?.()
  restore = undefined
}
afterEach(native)

const text = (n: number) => new TextEncoder().encode('the knee again, worse after the stairs; '.repeat(n))

const content = (update: Uint8Array): BlobContent => ({
  kind: 'shard',
  epoch: 'epoch00001',
  deviceId: '',
  seq: 0,
  createdAt: 0,
  entries: [{ docId: 'entry-1', update, deleted: false, updatedAt: 7, summary: { pain: 6 } }],
})

describe('the fallbacks', () => {
  it('hide what they stand in for', () => {
    bare()
    expect(typeof CompressionStream).toBe('undefined')
    expect(typeof DecompressionStream).toBe('undefined')
    expect(Blob.prototype.stream).toBeUndefined()
    expect(globalThis.crypto).toBeUndefined()
    native()
    expect(typeof CompressionStream).toBe('function')
    expect(typeof globalThis.crypto.subtle.digest).toBe('function')
  })

  it('read what the native deflate wrote, and the other way round', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4000 }), fc.nat(200), async (noise, repeats) => {
        const update = new Uint8Array([...text(repeats), ...noise])
        const expected = content(update)
        native()
        const byNative = await encodeBlob(expected, { compress: true })
        bare()
        const byFallback = await encodeBlob(expected, { compress: true })
        expect(await decodeBlob(byNative)).toEqual(expected)
        native()
        expect(await decodeBlob(byFallback)).toEqual(expected)
        // Same header and flags: only the deflate stream may differ.
        expect([...byFallback.subarray(0, 7)]).toEqual([...byNative.subarray(0, 7)])
      }),
      { numRuns: 40 },
    )
  })

  it('stop inflating past the limit, like the native stream', async () => {
    const bomb = await deflate(new Uint8Array(1 << 20))
    for (const setup of [native, bare]) {
      setup()
      await expect(inflate(bomb, 1000)).rejects.toThrow(/inflates past 1000 bytes/)
      expect((await inflate(bomb, 1 << 20)).length).toBe(1 << 20)
      await expect(inflate(new Uint8Array([1, 2, 3, 4, 5]), 1000)).rejects.toThrow()
    }
  })

  it('give the same content hash as node:crypto, across a 4 MiB block boundary', async () => {
    const data = new Uint8Array(4 * 1024 * 1024 + 10).map((_, i) => i % 251)
    const digest = (b: Uint8Array) => createHash('sha256').update(b).digest()
    const expected = createHash('sha256')
      .update(
        Buffer.concat([digest(data.subarray(0, 4 * 1024 * 1024)), digest(data.subarray(4 * 1024 * 1024))]),
      )
      .digest('hex')
    bare()
    expect(await contentHash(data)).toBe(expected)
    expect(await contentHash(new Uint8Array())).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    )
  })

  it('make well-formed, distinct ids without crypto.getRandomValues', () => {
    bare()
    const ids = new Set(Array.from({ length: 1000 }, () => randomId()))
    expect(ids.size).toBe(1000)
    for (const id of ids) expect(isValidId(id)).toBe(true)
  })
})
