import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CorruptBlobError, UnsupportedVersionError } from '../../src/errors.ts'
import { type BlobContent, decodeBlob, encodeBlob } from '../../src/format/blob.ts'
import { crc32 } from '../../src/format/crc32.ts'

const sample: BlobContent = {
  kind: 'log',
  epoch: 'epoch00001',
  deviceId: 'device0000000001',
  seq: 42,
  createdAt: 1_764_000_000_000,
  entries: [
    {
      docId: 'entry-1',
      update: new Uint8Array([1, 2, 3]),
      deleted: false,
      updatedAt: 1_764_000_000_000,
      summary: { pain: 4 },
    },
    { docId: 'entry-2 ünïcode', update: new Uint8Array(600).fill(7), deleted: true, updatedAt: 5 },
  ],
}

/** Returns `b` with byte `i` changed by `f`. */
function poke(b: Uint8Array, i: number, f: (x: number) => number): Uint8Array {
  b[i] = f(b[i]!)
  return b
}

/** Rewrites the trailing checksum after a deliberate edit of the header. */
function resum(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice()
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)))
  return out
}

describe('blob format v1', () => {
  it('round-trips, compressed or not', async () => {
    for (const compress of [false, true, 'auto'] as const) {
      expect(await decodeBlob(await encodeBlob(sample, { compress }))).toEqual(sample)
    }
  })

  it('round-trips arbitrary content', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          kind: fc.constantFrom('log' as const, 'shard' as const, 'backup' as const),
          epoch: fc.string({ maxLength: 20 }),
          deviceId: fc.string({ maxLength: 20 }),
          seq: fc.nat(),
          createdAt: fc.nat(),
          entries: fc.array(
            fc.record({
              docId: fc.string({ minLength: 1, maxLength: 30 }),
              update: fc.uint8Array({ maxLength: 300 }),
              deleted: fc.boolean(),
              updatedAt: fc.nat(),
            }),
            { maxLength: 8 },
          ),
        }),
        async (content) => {
          expect(await decodeBlob(await encodeBlob(content))).toEqual(content)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('refuses a newer format version, naming both versions', async () => {
    const bytes = await encodeBlob(sample)
    bytes[4] = 2
    const error = await decodeBlob(resum(bytes)).catch((e) => e)
    expect(error).toBeInstanceOf(UnsupportedVersionError)
    expect(error.message).toMatch(/version 2.*up to version 1/)
  })

  it.each([
    ['a flipped bit', (b: Uint8Array) => poke(b, 20, (x) => x ^ 1)],
    ['truncation', (b: Uint8Array) => b.subarray(0, b.length - 5)],
    ['bad magic', (b: Uint8Array) => resum(poke(b, 0, () => 0))],
    ['an unknown kind', (b: Uint8Array) => resum(poke(b, 5, () => 9))],
    ['unknown flags', (b: Uint8Array) => resum(poke(b, 6, () => 0x80))],
    [
      'trailing bytes',
      (b: Uint8Array) => resum(new Uint8Array([...b.subarray(0, b.length - 4), 0, 0, 0, 0, 0])),
    ],
    ['a body that lies about its length', (b: Uint8Array) => resum(poke(b, 7, () => 0x7f))],
  ])('raises CorruptBlobError on %s', async (_, mutate) => {
    const bytes = await encodeBlob(sample, { compress: false })
    const error = await decodeBlob(mutate(bytes.slice()), { path: '/x.ydu' }).catch((e) => e)
    expect(error).toBeInstanceOf(CorruptBlobError)
    expect(error.message).toContain('/x.ydu')
  })

  it('never throws anything but CorruptBlobError or UnsupportedVersionError on random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        const error = await decodeBlob(bytes).then(
          () => undefined,
          (e) => e,
        )
        if (error)
          expect(error instanceof CorruptBlobError || error instanceof UnsupportedVersionError).toBe(true)
      }),
      { numRuns: 500 },
    )
  })

  it('keeps the per-save overhead under 100 bytes for one small update', async () => {
    const update = new Uint8Array(40).fill(3)
    const bytes = await encodeBlob({
      kind: 'log',
      epoch: 'abcdefghij',
      deviceId: 'abcdefghijklmnop',
      seq: 12345,
      createdAt: Date.now(),
      entries: [{ docId: '2026-11-25T10:00:00.000Z-abc', update, deleted: false, updatedAt: Date.now() }],
    })
    expect(bytes.length - update.length).toBeLessThan(100)
  })
})
