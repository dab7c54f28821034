import { describe, expect, it } from 'vitest'
import { contentHash } from '../src/content-hash.ts'

describe('contentHash', () => {
  it('matches Dropbox for the empty file', async () => {
    expect(await contentHash(new Uint8Array())).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    )
  })

  it('hashes the concatenated block digests across a 4 MiB boundary', async () => {
    const { createHash } = await import('node:crypto')
    const data = new Uint8Array(4 * 1024 * 1024 + 10).map((_, i) => i % 251)
    const b1 = createHash('sha256')
      .update(data.subarray(0, 4 * 1024 * 1024))
      .digest()
    const b2 = createHash('sha256')
      .update(data.subarray(4 * 1024 * 1024))
      .digest()
    const expected = createHash('sha256')
      .update(Buffer.concat([b1, b2]))
      .digest('hex')
    expect(await contentHash(data)).toBe(expected)
  })
})
