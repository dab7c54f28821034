/**
 * The conformance suite every `BlobStore` adapter runs: memory, folder,
 * Dropbox over the emulator and, with credentials, real Dropbox. Each test
 * works in its own `/<root>/contract-<random>/` folder, with sibling files
 * present, and removes it afterwards, so the suite can run in a shared folder
 * of a real account. Each test makes at most a few dozen calls, except the
 * paging test (`manyFiles` puts).
 */

import type { BlobMeta, BlobStore } from '@y-dropbox/core'
import { ConflictError, contentHash } from '@y-dropbox/core'
import { describe, expect, it } from 'vitest'
import {
  applyEntries,
  byPath,
  bytes,
  delay,
  eachLimited,
  fileMeta,
  removeFolder,
  type TestBody,
  uniqueName,
} from './contract-helpers.ts'
import { getFolderTests } from './get-folder-contract.ts'

/** What a test gets from `setup`. */
export interface BlobStoreContractContext {
  /** The store under test. */
  store: BlobStore
  /** Releases what `setup` made. */
  teardown?(): Promise<void>
  /** For durable stores: a new store over the same data; the suite then checks data survives. */
  reopen?(): Promise<BlobStore>
}

/** Knobs of the suite. */
export interface BlobStoreContractOptions {
  /** Folder the test folders are made in. Default `/`. */
  root?: string
  /** Files written by the paging test. Default 300. */
  manyFiles?: number
  /** Parallel calls in the paging test. Default 4. */
  concurrency?: number
  /** Per-test timeout in ms. Default 60,000. */
  timeoutMs?: number
  /** Whether `watch` ignores changes outside the cursor's folder. Default true. */
  watchIgnoresOtherFolders?: boolean
  /** How long to give `watch` to (wrongly) react to a change elsewhere, in ms. Default 200. */
  watchSettleMs?: number
}

/** Runs the `BlobStore` conformance suite against the stores `setup` makes. */
export function runBlobStoreContract(
  name: string,
  setup: () => Promise<BlobStoreContractContext>,
  options: BlobStoreContractOptions = {},
): void {
  const root = (options.root ?? '/').replace(/\/+$/, '')
  const manyFiles = options.manyFiles ?? 300
  const timeout = options.timeoutMs ?? 60_000

  /** Runs a test body in a fresh folder, then cleans up. */
  const test = (title: string, body: TestBody) =>
    it(
      title,
      async (context) => {
        const ctx = await setup()
        const dir = `${root}/${uniqueName('contract')}`.toLowerCase()
        let store = ctx.store
        let cleanupError: unknown
        try {
          const reopen = ctx.reopen && (async () => (store = await ctx.reopen!()))
          await body(store, dir, { ...ctx, reopen, skip: (note) => context.skip(note) })
        } finally {
          try {
            await removeFolder(store, dir)
          } catch (error) {
            cleanupError = error
          }
          await ctx.teardown?.()
        }
        // Reached only when the test itself passed: then a failed clean-up is a failure too.
        if (cleanupError !== undefined) throw cleanupError
      },
      timeout,
    )

  describe(`BlobStore contract: ${name}`, () => {
    test('add creates a file and reports lower-case path, rev, size and content hash', async (store, dir) => {
      const data = bytes('hello, diary')
      await store.put(`${dir}/sibling.txt`, bytes('other'), 'add')
      const meta = await store.put(`${dir}/Notes/Entry-One.TXT`, data, 'add')
      expect(meta.path).toBe(`${dir}/notes/entry-one.txt`.toLowerCase())
      expect(typeof meta.rev).toBe('string')
      expect(meta.rev.length).toBeGreaterThan(0)
      expect(meta.size).toBe(data.length)
      expect(meta.contentHash).toBe(await contentHash(data))
      expect(meta.deleted).toBeUndefined()
      const got = await store.get(`${dir}/notes/entry-one.txt`)
      expect(got?.data).toEqual(data)
      expect(fileMeta(got!.meta)).toEqual(fileMeta(meta))
    })

    test('add of identical bytes succeeds and keeps the rev', async (store, dir) => {
      const first = await store.put(`${dir}/a.bin`, bytes('same'), 'add')
      const again = await store.put(`${dir}/a.bin`, bytes('same'), 'add')
      expect(fileMeta(again)).toEqual(fileMeta(first))
    })

    test('add of different bytes throws ConflictError and keeps the old bytes', async (store, dir) => {
      await store.put(`${dir}/a.bin`, bytes('original'), 'add')
      await store.put(`${dir}/a.bin2`, bytes('sibling'), 'add')
      await expect(store.put(`${dir}/a.bin`, bytes('different'), 'add')).rejects.toBeInstanceOf(ConflictError)
      expect((await store.get(`${dir}/a.bin`))?.data).toEqual(bytes('original'))
      expect((await store.get(`${dir}/a.bin2`))?.data).toEqual(bytes('sibling'))
    })

    test('overwrite replaces the bytes and changes the rev', async (store, dir) => {
      const first = await store.put(`${dir}/a.json`, bytes('{"v":1}'), 'overwrite')
      const second = await store.put(`${dir}/a.json`, bytes('{"v":2}'), 'overwrite')
      expect(second.rev).not.toBe(first.rev)
      expect(second.contentHash).toBe(await contentHash(bytes('{"v":2}')))
      expect((await store.get(`${dir}/a.json`))?.data).toEqual(bytes('{"v":2}'))
    })

    test('update succeeds at the current rev and throws ConflictError at a stale one', async (store, dir) => {
      const v1 = await store.put(`${dir}/pool.json`, bytes('v1'), 'add')
      await store.put(`${dir}/pool.json.bak`, bytes('sibling'), 'add')
      const v2 = await store.put(`${dir}/pool.json`, bytes('v2'), { update: v1.rev })
      expect(v2.rev).not.toBe(v1.rev)
      await expect(store.put(`${dir}/pool.json`, bytes('v3'), { update: v1.rev })).rejects.toBeInstanceOf(
        ConflictError,
      )
      const got = await store.get(`${dir}/pool.json`)
      expect(got?.data).toEqual(bytes('v2'))
      expect(got?.meta.rev).toBe(v2.rev)
      const v3 = await store.put(`${dir}/pool.json`, bytes('v3'), { update: v2.rev })
      expect((await store.get(`${dir}/pool.json`))?.meta.rev).toBe(v3.rev)
    })

    test('get of a missing file or folder returns undefined', async (store, dir) => {
      await store.put(`${dir}/present.txt`, bytes('x'), 'add')
      expect(await store.get(`${dir}/absent.txt`)).toBeUndefined()
      expect(await store.get(`${dir}/present.tx`)).toBeUndefined()
      expect(await store.get(`${dir}/no-folder/absent.txt`)).toBeUndefined()
    })

    test('paths are case-insensitive', async (store, dir) => {
      const meta = await store.put(`${dir}/Mixed/Case.BIN`, bytes('one'), 'add')
      expect(meta.path).toBe(`${dir}/mixed/case.bin`.toLowerCase())
      expect((await store.get(`${dir}/MIXED/case.bin`))?.data).toEqual(bytes('one'))
      await expect(store.put(`${dir}/mixed/CASE.bin`, bytes('two'), 'add')).rejects.toBeInstanceOf(
        ConflictError,
      )
      await store.put(`${dir}/mixed/case.BIN`, bytes('three'), 'overwrite')
      const { entries } = await store.list(`${dir}/MIXED`)
      expect(entries.map((e) => e.path)).toEqual([meta.path])
      expect((await store.get(meta.path))?.data).toEqual(bytes('three'))
    })

    test('list is recursive under a prefix and leaves out siblings sharing a name prefix', async (store, dir) => {
      const inside = [`${dir}/a/b/1.ydu`, `${dir}/a/b/deep/er/2.ydu`]
      const outside = [`${dir}/a/bc/3.ydu`, `${dir}/a/b.txt`, `${dir}/a/4.ydu`, `${dir}/ab/b/5.ydu`]
      const metas = new Map<string, BlobMeta>()
      for (const path of [...inside, ...outside])
        metas.set(path.toLowerCase(), await store.put(path, bytes(path), 'add'))
      for (const prefix of [`${dir}/a/b`, `${dir}/a/b/`, `${dir}/A/B`]) {
        const { entries } = await store.list(prefix)
        expect(byPath(entries).map(fileMeta)).toEqual(
          inside.map((p) => fileMeta(metas.get(p.toLowerCase())!)),
        )
      }
      const all = await store.list(`${dir}/a`)
      expect(all.entries.map((e) => e.path).sort()).toEqual(
        [...inside, ...outside]
          .filter((p) => p.startsWith(`${dir}/a/`))
          .map((p) => p.toLowerCase())
          .sort(),
      )
      expect(all.entries.every((e) => e.deleted === undefined)).toBe(true)
    })

    test('a cursor listing returns only what changed since, deletions included', async (store, dir) => {
      const folder = `${dir}/log`
      for (const name of ['a', 'b', 'c']) await store.put(`${folder}/${name}.ydu`, bytes(name), 'add')
      await store.put(`${dir}/log2/x.ydu`, bytes('sibling'), 'add')
      const start = await store.list(folder)
      expect(start.entries).toHaveLength(3)
      const a2 = await store.put(`${folder}/a.ydu`, bytes('a, edited'), 'overwrite')
      await store.delete([`${folder}/b.ydu`])
      const d = await store.put(`${folder}/sub/d.ydu`, bytes('d'), 'add')
      await store.put(`${dir}/log2/y.ydu`, bytes('sibling change'), 'add')
      await store.put(`${dir}/log.ydu`, bytes('sibling file'), 'add')

      const changed = await store.list(folder, start.cursor)
      const paths = new Set(changed.entries.map((e) => e.path))
      expect([...paths].sort()).toEqual([`${folder}/a.ydu`, `${folder}/b.ydu`, `${folder}/sub/d.ydu`].sort())
      const state = applyEntries(new Map(start.entries.map((e) => [e.path, e])), changed.entries)
      expect(byPath([...state.values()]).map(fileMeta)).toEqual(
        byPath([a2, (await store.get(`${folder}/c.ydu`))!.meta, d]).map(fileMeta),
      )
      const deletion = changed.entries.filter((e) => e.path === `${folder}/b.ydu`).at(-1)
      expect(deletion?.deleted).toBe(true)

      const quiet = await store.list(folder, changed.cursor)
      expect(quiet.entries).toEqual([])
      await store.delete([`${folder}/sub/d.ydu`])
      const later = await store.list(folder, quiet.cursor)
      expect(later.entries.map((e) => [e.path, e.deleted])).toEqual([[`${folder}/sub/d.ydu`, true]])
      const fresh = await store.list(folder)
      expect(fresh.entries.map((e) => e.path).sort()).toEqual([`${folder}/a.ydu`, `${folder}/c.ydu`])
    })

    test('a cursor from an empty or missing folder reports files added later', async (store, dir) => {
      await store.put(`${dir}/other/x.ydu`, bytes('x'), 'add')
      const empty = await store.list(`${dir}/epochs/1`)
      expect(empty.entries).toEqual([])
      const meta = await store.put(`${dir}/epochs/1/log/dev/000001.ydu`, bytes('first'), 'add')
      await store.put(`${dir}/epochs/10/log/dev/000001.ydu`, bytes('sibling'), 'add')
      const next = await store.list(`${dir}/epochs/1`, empty.cursor)
      expect(next.entries.map(fileMeta)).toEqual([fileMeta(meta)])
    })

    test('delete removes files and ignores paths that do not exist', async (store, dir) => {
      await store.put(`${dir}/x/1`, bytes('1'), 'add')
      await store.put(`${dir}/x/2`, bytes('2'), 'add')
      await store.put(`${dir}/x/10`, bytes('10'), 'add')
      await store.delete([`${dir}/x/1`, `${dir}/x/missing`, `${dir}/nowhere/at/all`])
      await store.delete([])
      await store.delete([`${dir}/x/1`])
      expect(await store.get(`${dir}/x/1`)).toBeUndefined()
      const { entries } = await store.list(`${dir}/x`)
      expect(entries.map((e) => e.path).sort()).toEqual([`${dir}/x/10`, `${dir}/x/2`])
      const readded = await store.put(`${dir}/x/1`, bytes('again'), 'add')
      expect((await store.get(`${dir}/x/1`))?.meta.rev).toBe(readded.rev)
    })

    test(`lists ${manyFiles} files completely, also through a cursor`, async (store, dir) => {
      const names = Array.from(
        { length: manyFiles },
        (_, i) => `${dir}/many/${String(i).padStart(5, '0')}.ydu`,
      )
      await store.put(`${dir}/many-sibling/x.ydu`, bytes('x'), 'add')
      const start = await store.list(`${dir}/many`)
      await eachLimited(names, options.concurrency ?? 4, (path) => store.put(path, bytes(path), 'add'))
      const { entries, cursor } = await store.list(`${dir}/many`)
      expect(entries.map((e) => e.path).sort()).toEqual(names)
      const changes = await store.list(`${dir}/many`, start.cursor)
      expect([...new Set(changes.entries.map((e) => e.path))].sort()).toEqual(names)
      await store.delete(names.slice(0, 10))
      const deleted = await store.list(`${dir}/many`, cursor)
      expect(deleted.entries.map((e) => [e.path, e.deleted]).sort()).toEqual(
        names.slice(0, 10).map((p) => [p, true]),
      )
      await store.delete(names.slice(10))
    })

    test('stores an empty file', async (store, dir) => {
      const meta = await store.put(`${dir}/empty.bin`, new Uint8Array(0), 'add')
      expect(meta.size).toBe(0)
      expect(meta.contentHash).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
      const got = await store.get(`${dir}/empty.bin`)
      expect(got?.data).toEqual(new Uint8Array(0))
      expect(got?.meta.size).toBe(0)
      await store.put(`${dir}/empty.bin`, new Uint8Array(0), 'add')
    })

    test('keeps binary data with every byte value intact', async (store, dir) => {
      const data = new Uint8Array(256 * 3 + 17).map((_, i) => (i * 7 + (i >> 8)) & 0xff)
      const view = new Uint8Array(data.length + 8)
      view.set(data, 4)
      const meta = await store.put(`${dir}/bytes.bin`, view.subarray(4, 4 + data.length), 'add')
      expect(meta.size).toBe(data.length)
      expect(meta.contentHash).toBe(await contentHash(data))
      expect((await store.get(`${dir}/bytes.bin`))?.data).toEqual(data)
    })

    test('data and cursors survive reopening the store', async (store, dir, ctx) => {
      if (!ctx.reopen) return ctx.skip('the store is not durable (setup gives no reopen)')
      await store.put(`${dir}/keep/a`, bytes('a'), 'add')
      const before = await store.list(`${dir}/keep`)
      const b = await store.put(`${dir}/keep/b`, bytes('b'), 'add')
      const reopened = await ctx.reopen()
      expect((await reopened.get(`${dir}/keep/a`))?.data).toEqual(bytes('a'))
      const changes = await reopened.list(`${dir}/keep`, before.cursor)
      expect(changes.entries.map(fileMeta)).toEqual([fileMeta(b)])
    })

    describe('getFolder', () => getFolderTests(test))

    describe('watch', () => {
      const settleMs = options.watchSettleMs ?? 200

      test('resolves true after a change under the cursor folder', async (store, dir, ctx) => {
        if (!store.watch) return ctx.skip('the store does not implement watch')
        await store.put(`${dir}/w/old.ydu`, bytes('old'), 'add')
        const { cursor } = await store.list(`${dir}/w`)
        const controller = new AbortController()
        let settled: boolean | undefined
        const watching = watchUntilChange(store, cursor, controller.signal).then((v) => (settled = v))
        await store.put(`${dir}/w2/elsewhere.ydu`, bytes('sibling'), 'add')
        await store.put(`${dir}/w.ydu`, bytes('sibling file'), 'add')
        if (options.watchIgnoresOtherFolders ?? true) {
          await delay(settleMs)
          expect(settled).toBeUndefined()
        }
        await store.put(`${dir}/w/deep/new.ydu`, bytes('new'), 'add')
        expect(await watching).toBe(true)
      })

      test('resolves true at once when a change already happened after the cursor', async (store, dir, ctx) => {
        if (!store.watch) return ctx.skip('the store does not implement watch')
        const { cursor } = await store.list(`${dir}/w`)
        await store.put(`${dir}/w/new.ydu`, bytes('new'), 'add')
        expect(await watchUntilChange(store, cursor, new AbortController().signal)).toBe(true)
      })

      test('rejects with an AbortError when aborted', async (store, dir, ctx) => {
        if (!store.watch) return ctx.skip('the store does not implement watch')
        const { cursor } = await store.list(`${dir}/w`)
        const controller = new AbortController()
        const watching = store.watch(cursor, controller.signal)
        await delay(10)
        controller.abort()
        await expect(watching).rejects.toMatchObject({ name: 'AbortError' })
        await expect(store.watch(cursor, controller.signal)).rejects.toMatchObject({ name: 'AbortError' })
      })
    })
  })
}

/** Watches until the store reports a change, re-watching after its own timeouts. */
async function watchUntilChange(store: BlobStore, cursor: string, signal: AbortSignal): Promise<boolean> {
  while (!(await store.watch!(cursor, signal))) {
    /* the store's own timeout passed without a change: watch again */
  }
  return true
}
