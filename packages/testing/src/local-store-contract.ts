/**
 * The conformance suite every `LocalStore` adapter runs: memory, IndexedDB
 * and files. Prefix queries are tested with sibling keys present (`a/`,
 * `a/b`, `ab`), batches with deletes, large values and many keys.
 */

import type { LocalStore, LocalWrite } from '@y-dropbox/core'
import { describe, expect, it } from 'vitest'
import { bytes, sameBytes } from './contract-helpers.ts'

/** What a test gets from `setup`. */
export interface LocalStoreContractContext {
  /** The store under test, open and empty. */
  store: LocalStore
  /** Releases what `setup` made; the suite closes the store first. */
  teardown?(): Promise<void>
  /** For durable stores: opens the same data again (the suite closes the store first). */
  reopen?(): Promise<LocalStore>
}

/** Knobs of the suite. */
export interface LocalStoreContractOptions {
  /** Keys written in one batch by the many-keys test. Default 10,000. */
  manyKeys?: number
  /** Size of the large values, in bytes. Default 1 MiB. */
  largeValueBytes?: number
  /** Per-test timeout in ms. Default 60,000. */
  timeoutMs?: number
}

/** A test of the suite: gets the open store and a way to reopen it (closing the current one). */
type TestBody = (
  store: LocalStore,
  ctx: { reopen?: () => Promise<LocalStore>; skip(note: string): void },
) => Promise<void>

/** Runs the `LocalStore` conformance suite against the stores `setup` makes. */
export function runLocalStoreContract(
  name: string,
  setup: () => Promise<LocalStoreContractContext>,
  options: LocalStoreContractOptions = {},
): void {
  const manyKeys = options.manyKeys ?? 10_000
  const large = options.largeValueBytes ?? 1024 * 1024

  const test = (title: string, body: TestBody) =>
    it(
      title,
      async (context) => {
        const ctx = await setup()
        let store = ctx.store
        const reopen =
          ctx.reopen &&
          (async () => {
            await store.close()
            store = await ctx.reopen!()
            return store
          })
        try {
          await body(store, { reopen, skip: (note) => context.skip(note) })
        } finally {
          await store.close()
          await ctx.teardown?.()
        }
      },
      options.timeoutMs ?? 60_000,
    )

  describe(`LocalStore contract: ${name}`, () => {
    test('get returns what write stored, undefined for absent keys', async (store) => {
      expect(await store.get('missing')).toBeUndefined()
      await store.write([
        ['device/id', bytes('abc')],
        ['empty', new Uint8Array(0)],
        ['ünïcødé/🙂', bytes('emoji')],
      ])
      expect(await store.get('device/id')).toEqual(bytes('abc'))
      expect(await store.get('empty')).toEqual(new Uint8Array(0))
      expect(await store.get('ünïcødé/🙂')).toEqual(bytes('emoji'))
      expect(await store.get('device')).toBeUndefined()
      expect(await store.get('device/id/')).toBeUndefined()
    })

    test('later writes overwrite earlier ones, also within one batch', async (store) => {
      await store.write([['k', bytes('1')]])
      await store.write([['k', bytes('2')]])
      expect(await store.get('k')).toEqual(bytes('2'))
      await store.write([
        ['k', bytes('3')],
        ['k', undefined],
        ['k', bytes('4')],
        ['gone', bytes('x')],
        ['gone', undefined],
      ])
      expect(await store.get('k')).toEqual(bytes('4'))
      expect(await store.get('gone')).toBeUndefined()
    })

    test('a batch mixes puts and deletes; deleting absent keys is fine', async (store) => {
      await store.write([
        ['doc/a', bytes('a')],
        ['doc/b', bytes('b')],
        ['doc/c', bytes('c')],
      ])
      await store.write([
        ['doc/a', undefined],
        ['doc/d', bytes('d')],
        ['doc/never', undefined],
        ['doc/b', undefined],
      ])
      expect(await store.keys('doc/')).toEqual(['doc/c', 'doc/d'])
      expect(await store.get('doc/a')).toBeUndefined()
    })

    test('keys are sorted by code unit and bounded by the prefix', async (store) => {
      const all = ['a', 'a/', 'a/b', 'a/b/c', 'a/c', 'a/é', 'a/Z', 'a0', 'ab', 'ab/c', 'b', 'B', '', '~']
      await store.write([...all].reverse().map((key): LocalWrite => [key, bytes(key)]))
      const sorted = [...all].sort()
      expect(await store.keys('')).toEqual(sorted)
      expect(await store.keys('a/')).toEqual(['a/', 'a/Z', 'a/b', 'a/b/c', 'a/c', 'a/é'])
      expect(await store.keys('a/b')).toEqual(['a/b', 'a/b/c'])
      expect(await store.keys('a')).toEqual(sorted.filter((k) => k.startsWith('a')))
      expect(await store.keys('ab')).toEqual(['ab', 'ab/c'])
      expect(await store.keys('c')).toEqual([])
      expect(await store.keys('a/b/c/d')).toEqual([])
    })

    test('an empty batch resolves and changes nothing', async (store) => {
      await store.write([['x', bytes('x')]])
      await store.write([])
      expect(await store.keys('')).toEqual(['x'])
    })

    test('stored bytes cannot be changed through the arrays passed in or returned', async (store) => {
      const input = bytes('original')
      const backing = new Uint8Array(32).fill(9)
      backing.set(bytes('view'), 5)
      await store.write([
        ['k', input],
        ['view', backing.subarray(5, 9)],
      ])
      input.fill(0)
      const out = await store.get('k')
      out!.fill(1)
      expect(await store.get('k')).toEqual(bytes('original'))
      expect(await store.get('view')).toEqual(bytes('view'))
    })

    test('concurrent writes apply in call order', async (store) => {
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.write([['counter', bytes(String(i))]])))
      expect(await store.get('counter')).toEqual(bytes('19'))
    })

    test(`stores values of ${large} bytes`, async (store) => {
      const a = new Uint8Array(large).map((_, i) => (i * 31) & 0xff)
      const b = new Uint8Array(large).map((_, i) => (i * 17 + 3) & 0xff)
      await store.write([
        ['big/a', a],
        ['big/b', b],
      ])
      await store.write([['big/a', b]])
      expect(sameBytes(await store.get('big/a'), b)).toBe(true)
      expect(sameBytes(await store.get('big/b'), b)).toBe(true)
      await store.write([['big/b', a]])
      expect(sameBytes(await store.get('big/b'), a)).toBe(true)
    })

    test(`writes, lists and deletes ${manyKeys} keys in single batches`, async (store) => {
      const keys = Array.from({ length: manyKeys }, (_, i) => `docs/${(i * 7919) % manyKeys}`)
      await store.write([
        ['docs', bytes('sibling')],
        ['docs0', bytes('sibling')],
        ...keys.map((k): LocalWrite => [k, bytes(k)]),
      ])
      const listed = await store.keys('docs/')
      expect(listed).toEqual([...new Set(keys)].sort())
      expect(await store.get(`docs/${manyKeys - 1}`)).toEqual(bytes(`docs/${manyKeys - 1}`))
      await store.write(keys.map((k): LocalWrite => [k, undefined]))
      expect(await store.keys('docs/')).toEqual([])
      expect(await store.keys('docs')).toEqual(['docs', 'docs0'])
    })

    test('after close every call rejects and close can be repeated', async (store) => {
      await store.write([['k', bytes('v')]])
      await store.close()
      await expect(store.get('k')).rejects.toThrow()
      await expect(store.keys('')).rejects.toThrow()
      await expect(store.write([['k', bytes('w')]])).rejects.toThrow()
      await store.close()
    })

    test('everything written survives closing and reopening', async (store, ctx) => {
      if (!ctx.reopen) return ctx.skip('the store is not durable (setup gives no reopen)')
      const big = new Uint8Array(100_000).map((_, i) => i & 0xff)
      await store.write([
        ['a', bytes('1')],
        ['b', bytes('2')],
        ['c', big],
      ])
      await store.write([
        ['a', bytes('1b')],
        ['b', undefined],
      ])
      let reopened = await ctx.reopen()
      expect(await reopened.keys('')).toEqual(['a', 'c'])
      expect(await reopened.get('a')).toEqual(bytes('1b'))
      expect(sameBytes(await reopened.get('c'), big)).toBe(true)
      await reopened.write([
        ['d', bytes('4')],
        ['c', undefined],
      ])
      reopened = await ctx.reopen()
      expect(await reopened.keys('')).toEqual(['a', 'd'])
      expect(await reopened.get('d')).toEqual(bytes('4'))
    })
  })
}
