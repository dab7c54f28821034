/** LinkedStore: every call goes to the current link's store; batch and folder reads fall back to single calls. */
import { AuthError, type BlobStore, MemoryBlobStore } from '@y-dropbox/core'
import { describe, expect, it } from 'vitest'
import { LinkedStore } from '../src/cloud/linked-store.ts'

const bytes = (text: string) => new TextEncoder().encode(text)
const text = (data: Uint8Array | undefined) => (data ? new TextDecoder().decode(data) : undefined)

/** The store's required methods only (no putMany, getFolder or watch). */
function plain(store: BlobStore): BlobStore {
  return {
    put: (path, data, mode) => store.put(path, data, mode),
    get: (path) => store.get(path),
    list: (prefix, cursor) => store.list(prefix, cursor),
    delete: (paths) => store.delete(paths),
  }
}

describe('LinkedStore', () => {
  it.each([
    ['a store with batch writes and folder reads', (s: MemoryBlobStore) => s as BlobStore],
    ['a store with only the required calls', plain],
  ])('writes in a batch and reads a folder through %s', async (_, wrap) => {
    const memory = new MemoryBlobStore()
    const linked = new LinkedStore(async () => wrap(memory))
    const written = await linked.putMany([
      { path: '/p/log/a/1.ydu', data: bytes('one'), mode: 'add' },
      { path: '/p/log/a/2.ydu', data: bytes('two'), mode: 'add' },
    ])
    expect(written.map((m) => m.path)).toEqual(['/p/log/a/1.ydu', '/p/log/a/2.ydu'])
    await memory.delete(['/p/log/a/2.ydu'])
    const got = await linked.getFolder('/p/log', written)
    expect(got.map((f) => text(f?.data))).toEqual(['one', undefined])
    expect((await linked.list('/p')).entries.map((m) => m.path)).toEqual(['/p/log/a/1.ydu'])
  })

  it('rejects watch when the current store cannot watch, so the engine polls', async () => {
    const linked = new LinkedStore(async () => plain(new MemoryBlobStore()))
    await expect(linked.watch('cursor', new AbortController().signal)).rejects.toThrow(/polling instead/)
  })

  it('fails every call with the link error while nothing is linked', async () => {
    const linked = new LinkedStore(async () => {
      throw new AuthError('link Dropbox first')
    })
    await expect(linked.get('/p/pool.json')).rejects.toBeInstanceOf(AuthError)
    await expect(linked.getFolder('/p', [])).rejects.toBeInstanceOf(AuthError)
    await expect(linked.putMany([])).rejects.toBeInstanceOf(AuthError)
  })
})
