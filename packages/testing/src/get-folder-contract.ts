/**
 * The part of the `BlobStore` conformance suite about the optional
 * `getFolder`: every listed file as `get` returns it, in input order, files
 * changed since the listing as they are now, deleted ones as `undefined`.
 */

import type { BlobStore } from '@y-dropbox/core'
import { expect } from 'vitest'
import { bytes, fileMeta, type TestBody } from './contract-helpers.ts'

/** Registers the `getFolder` tests through the suite's `test` (fresh folder, clean-up). */
export function getFolderTests(test: (title: string, body: TestBody) => void): void {
  const skip = (store: BlobStore, ctx: { skip(note: string): void }) => {
    if (!store.getFolder) ctx.skip('the store does not implement getFolder')
    return !store.getFolder
  }

  test('returns each listed file as get does, in input order, siblings left out', async (store, dir, ctx) => {
    if (skip(store, ctx)) return
    const folder = `${dir}/log`
    const data = new Uint8Array(256 * 5 + 3).map((_, i) => (i * 31 + 7) & 0xff)
    await store.put(`${folder}/dev-a/0001.ydu`, data, 'add')
    await store.put(`${folder}/dev-a/0002.ydu`, new Uint8Array(0), 'add')
    await store.put(`${folder}/Dev-B/0001.ydu`, bytes('b, first'), 'add')
    await store.put(`${dir}/log2/x.ydu`, bytes('sibling folder'), 'add')
    await store.put(`${dir}/log.ydu`, bytes('sibling file'), 'add')
    const { entries } = await store.list(folder)
    const files = [...entries].reverse()
    const got = await store.getFolder!(`${dir}/LOG`, files)
    expect(got).toHaveLength(3)
    for (const [i, meta] of files.entries()) {
      const one = await store.get(meta.path)
      expect(got[i]?.data, meta.path).toEqual(one?.data)
      expect(fileMeta(got[i]!.meta)).toEqual(fileMeta(one!.meta))
    }
    expect(await store.getFolder!(folder, [])).toEqual([])
  })

  test('gives a file changed since the listing as it is now, a deleted one as undefined', async (store, dir, ctx) => {
    if (skip(store, ctx)) return
    const folder = `${dir}/log`
    for (const name of ['a', 'b', 'c']) await store.put(`${folder}/${name}.ydu`, bytes(name), 'add')
    const { entries } = await store.list(folder)
    const listed = [...entries].sort((x, y) => (x.path < y.path ? -1 : 1))
    const a2 = await store.put(`${folder}/a.ydu`, bytes('a, changed since the listing'), 'overwrite')
    await store.delete([`${folder}/b.ydu`])
    await store.put(`${folder}/d.ydu`, bytes('added since the listing'), 'add')
    const got = await store.getFolder!(folder, listed)
    expect(got[0]?.data).toEqual(bytes('a, changed since the listing'))
    expect(fileMeta(got[0]!.meta)).toEqual(fileMeta(a2))
    expect(got[1]).toBeUndefined()
    expect(got[2]?.data).toEqual(bytes('c'))
  })

  test('refuses a file outside the folder', async (store, dir, ctx) => {
    if (skip(store, ctx)) return
    const inside = await store.put(`${dir}/log/a.ydu`, bytes('a'), 'add')
    const outside = await store.put(`${dir}/logs/b.ydu`, bytes('b'), 'add')
    await expect(store.getFolder!(`${dir}/log`, [inside, outside])).rejects.toThrow(/not under/)
  })
}
