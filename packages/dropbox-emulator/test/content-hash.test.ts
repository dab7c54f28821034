/**
 * content_hash, computed by hand from the definition in
 * https://www.dropbox.com/developers/reference/content-hash: split into 4 MiB blocks, SHA-256
 * each, SHA-256 of the concatenated digests, lower-case hex.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { CONTENT_HASH_BLOCK_SIZE, dropboxContentHash } from '../src/index.ts'
import { connected } from './helpers.ts'

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest()

describe('content_hash', () => {
  it('matches a hand computation for a file of two blocks (> 4 MiB)', async () => {
    expect(CONTENT_HASH_BLOCK_SIZE).toBe(4 * 1024 * 1024)
    const data = Buffer.alloc(4 * 1024 * 1024 + 12_345)
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 12)) & 0xff
    const first = sha256(data.subarray(0, 4 * 1024 * 1024))
    const second = sha256(data.subarray(4 * 1024 * 1024))
    const expected = sha256(Buffer.concat([first, second])).toString('hex')
    expect(expected).not.toBe(sha256(data).toString('hex'))
    expect(dropboxContentHash(data)).toBe(expected)
    const { dbx } = await connected()
    const { result } = await dbx.filesUpload({ path: '/big.bin', contents: data })
    expect(result.content_hash).toBe(expected)
    expect(result.size).toBe(data.length)
  })

  it('an exact block is hashed once more; the empty file is SHA-256 of nothing', () => {
    const block = Buffer.alloc(4 * 1024 * 1024, 7)
    expect(dropboxContentHash(block)).toBe(sha256(sha256(block)).toString('hex'))
    expect(dropboxContentHash(new Uint8Array(0))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    )
  })
})
