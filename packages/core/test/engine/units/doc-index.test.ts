/**
 * doc-index.ts: how the index is stored. Chunks of 16 buckets with changed
 * buckets on their own, folded back at FOLD_AT; what a store holds must load
 * as the index that wrote it, whatever writes failed on the way; a store of
 * the earlier layout (256 buckets) loads and is rewritten once.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import { bucketOf, DocIndex, FOLD_AT, type IndexEntry } from '../../../src/engine/doc-index.ts'
import { keys } from '../../../src/engine/local-state.ts'
import { SyncEngine } from '../../../src/engine/sync-engine.ts'
import { CorruptBlobError } from '../../../src/errors.ts'
import type { LocalStore, LocalWrite } from '../../../src/local-store.ts'
import { IdbLocalStore } from '../../../src/stores/idb-local-store.ts'
import { MemoryBlobStore } from '../../../src/stores/memory-blob-store.ts'
import { MemoryLocalStore } from '../../../src/stores/memory-local-store.ts'

const entry = (updatedAt: number): IndexEntry => ({ updatedAt, deleted: false })

/** Ids whose buckets are `count` different buckets of chunk 0 (buckets 0–15). */
function idsInChunkZero(count: number): string[] {
  const byBucket = new Map<number, string>()
  for (let i = 0; byBucket.size < count; i++) {
    const id = `doc-${i}`
    const b = bucketOf(id)
    if (b < 16 && !byBucket.has(b)) byBucket.set(b, id)
  }
  return [...byBucket.values()]
}

async function saved(index: DocIndex, store = new MemoryLocalStore()): Promise<MemoryLocalStore> {
  await store.write(index.takeWrites())
  return store
}

async function loaded(store: LocalStore): Promise<DocIndex> {
  const index = new DocIndex()
  await index.load(store)
  return index
}

const contents = (index: DocIndex) =>
  Object.fromEntries([...index.entries()].sort(([a], [b]) => a.localeCompare(b)))
const written = (writes: LocalWrite[]) =>
  writes.filter(([, value]) => value !== undefined).map(([key]) => key)

describe('DocIndex storage', () => {
  it.each(['pairs', 'columns of objects'] as const)(
    'reads chunks and buckets of an earlier chunked layout (%s), and writes every chunk again in columns at the next save',
    async (shape) => {
      const index = new DocIndex()
      // Every size a bucket can have in a test this small: 0, 1, 2 and more entries; every field.
      for (let i = 0; i < 40; i++) index.set(`doc-${i}`, { ...entry(i), summary: { title: `t${i}` } })
      index.set('doc-1', {
        ...entry(1),
        deleted: true,
        summaryDirty: true,
        summaryStale: true,
        summaryBy: 'dev-2',
      })
      index.set('doc-2', { ...entry(2), summary: null })
      // As the earlier layout stored it: every bucket in its chunk, one entry object each, and one bucket apart.
      const store = new MemoryLocalStore()
      const byBucket = new Map<number, Array<[string, IndexEntry]>>()
      for (const [id, e] of index.entries())
        byBucket.set(bucketOf(id), [...(byBucket.get(bucketOf(id)) ?? []), [id, e]])
      const stored = (pairs: Array<[string, IndexEntry]> = []) =>
        shape === 'pairs' ? pairs : [pairs.map(([id]) => id), pairs.map(([, e]) => e)]
      const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))
      const writes: LocalWrite[] = []
      for (let c = 0; c < 16; c++)
        writes.push([
          keys.indexChunk(c),
          json(Array.from({ length: 16 }, (_, i) => stored(byBucket.get(c * 16 + i)))),
        ])
      const apart = bucketOf('doc-1')
      writes.push([keys.index(apart), json(stored(byBucket.get(apart)))])
      await store.write(writes)

      const read = await loaded(store)
      expect(contents(read)).toEqual(contents(index))
      expect(read.size).toBe(40)
      const upgrade = read.takeWrites()
      // Every chunk, written in columns (or deleted where it holds nothing); every bucket apart deleted.
      const chunkKeys = Array.from({ length: 16 }, (_, c) => keys.indexChunk(c))
      expect(upgrade.map(([key]) => key).filter((key) => key.startsWith('k/'))).toEqual(chunkKeys)
      for (const [, value] of upgrade)
        if (value) expect(JSON.parse(new TextDecoder().decode(value)).v).toBe(3)
      await store.write(upgrade)
      expect(await store.keys(keys.indexPrefix)).toEqual([])
      const again = await loaded(store)
      expect(contents(again)).toEqual(contents(index))
      expect(again.takeWrites()).toEqual([])
    },
  )

  it('lists the buckets as loaded without making maps of them, the same as the index that saved them', async () => {
    const index = new DocIndex()
    for (let i = 0; i < 300; i++)
      index.set(
        `doc-${i}`,
        i % 3 === 0 ? entry(i) : { ...entry(i), deleted: i % 5 === 0, summary: i % 7 === 0 ? null : `s${i}` },
      )
    const listed = (ix: DocIndex) => {
      const out: unknown[] = []
      ix.forEach((id, updatedAt, deleted, summary) => {
        out.push({ id, updatedAt, deleted, summary })
      })
      return out.sort((a, b) => ((a as { id: string }).id < (b as { id: string }).id ? -1 : 1))
    }
    const store = await saved(index)
    const back = await loaded(store)
    expect(listed(back)).toEqual(listed(index))
    // Untouched buckets are written back as loaded when their chunk folds.
    const ids = idsInChunkZero(FOLD_AT)
    for (const id of ids) back.set(id, entry(7))
    await saved(back, store)
    const after = await loaded(store)
    expect(contents(after)).toEqual(contents(back))
    expect(after.size).toBe(back.size)
  })

  it('refuses an index that is not JSON or not in its layout, naming the value', async () => {
    const cases: Array<[string, string]> = [
      [keys.indexChunk(3), '{"v":3,"b":['],
      [keys.indexChunk(3), '{"v":3,"b":[]}'],
      [keys.indexChunk(3), '{"v":9,"b":[]}'],
      [keys.indexChunk(3), JSON.stringify({ v: 3, b: Array(16).fill([['a'], [], [], [], []]) })],
      [keys.index(5), JSON.stringify({ v: 3, b: [[1], [2], [0], [null], [null]] })],
      [keys.index(5), '7'],
      [keys.index(5), JSON.stringify({ v: 3, b: [['a'], [2], ['1'], [null], [null]] })],
      [keys.index(5), JSON.stringify({ v: 3, b: [['a'], [2], [0.5], [null], [null]] })],
      [keys.index(5), JSON.stringify({ v: 3, b: [['a'], [2], [8], [4], [{}]] })],
    ]
    for (const [key, text] of cases) {
      const store = new MemoryLocalStore()
      await store.write([[key, new TextEncoder().encode(text)]])
      const error = await loaded(store).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(CorruptBlobError)
      expect((error as Error).message).toMatch(
        /the local document index is damaged: (not valid JSON|not in a layout this version writes) \((k|i)\//,
      )
    }
  })

  it('writes a change as its bucket alone, and a chunk with its buckets deleted once FOLD_AT buckets of it are apart', async () => {
    const index = new DocIndex()
    const ids = idsInChunkZero(FOLD_AT)
    index.set(ids[0]!, entry(1))
    const first = index.takeWrites()
    expect(written(first)).toEqual([keys.index(bucketOf(ids[0]!))])
    expect(index.takeWrites()).toEqual([])
    for (const id of ids.slice(1, -1)) index.set(id, entry(2))
    expect(written(index.takeWrites())).toHaveLength(FOLD_AT - 2)
    index.set(ids.at(-1)!, entry(3))
    const fold = index.takeWrites()
    expect(written(fold)).toEqual([keys.indexChunk(0)])
    // Every bucket of the chunk is deleted, those this index wrote and any a failed write left.
    expect(fold.filter(([, value]) => value === undefined).map(([key]) => key)).toEqual(
      Array.from({ length: 16 }, (_, b) => keys.index(b)),
    )
  })

  it('loads what it saved: a bucket stored apart replaces its part of the chunk', async () => {
    const index = new DocIndex()
    const ids = idsInChunkZero(FOLD_AT)
    for (const id of ids) index.set(id, entry(1))
    const store = await saved(index)
    expect(await store.keys(keys.indexPrefix)).toEqual([])
    const full: IndexEntry = {
      updatedAt: 9,
      deleted: true,
      summary: { title: 'changed' },
      summaryDirty: true,
      summaryStale: true,
      summaryBy: 'device-2',
    }
    index.set(ids[0]!, full)
    await saved(index, store)
    expect(await store.keys(keys.indexPrefix)).toEqual([keys.index(bucketOf(ids[0]!))])
    const back = await loaded(store)
    expect(contents(back)).toEqual(contents(index))
    expect(back.get(ids[0]!)).toEqual(full)
    expect(back.size).toBe(ids.length)
  })

  it('a fold that was lost leaves buckets apart; the next fold deletes them though the index forgot them', async () => {
    const index = new DocIndex()
    const ids = idsInChunkZero(2 * FOLD_AT)
    for (const id of ids.slice(0, FOLD_AT - 1)) index.set(id, entry(1))
    const store = await saved(index)
    expect(await store.keys(keys.indexPrefix)).toHaveLength(FOLD_AT - 1)
    // The fold that would replace them is lost (the store refused the write).
    index.set(ids[0]!, entry(5))
    index.set(ids[FOLD_AT - 1]!, entry(1))
    expect(written(index.takeWrites())).toEqual([keys.indexChunk(0)])
    // Other buckets of the chunk bring the next fold.
    for (const id of ids.slice(FOLD_AT, 2 * FOLD_AT)) index.set(id, entry(2))
    await saved(index, store)
    expect(await store.keys(keys.indexPrefix)).toEqual([])
    const back = await loaded(store)
    expect(back.get(ids[0]!)).toEqual(entry(5))
    expect(contents(back)).toEqual(contents(index))
  })

  it('clear() empties every chunk and bucket at the next save', async () => {
    const index = new DocIndex()
    for (let i = 0; i < 500; i++) index.set(`doc-${i}`, entry(i))
    const store = await saved(index)
    index.set('doc-1', entry(99))
    await saved(index, store)
    index.clear()
    await saved(index, store)
    expect(store.size).toBe(0)
    expect((await loaded(store)).size).toBe(0)
  })

  it('loads what it saved after any sequence of changes, saves and clears', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), doc: fc.nat(300), at: fc.nat(1000) }),
      fc.record({ kind: fc.constant('save' as const) }),
      fc.record({ kind: fc.constant('clear' as const) }),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 120 }), async (ops) => {
        const index = new DocIndex()
        const store = new MemoryLocalStore()
        for (const o of [...ops, { kind: 'save' as const }]) {
          if (o.kind === 'set') index.set(`doc-${o.doc}`, entry(o.at))
          else if (o.kind === 'clear') index.clear()
          else {
            await store.write(index.takeWrites())
            expect(contents(await loaded(store))).toEqual(contents(index))
            const apart = await store.keys(keys.indexPrefix)
            for (let c = 0; c < 16; c++) {
              const inChunk = apart.filter((key) => Math.floor(Number.parseInt(key.slice(2), 16) / 16) === c)
              expect(inChunk.length).toBeLessThan(FOLD_AT)
            }
          }
        }
      }),
      { numRuns: 150 },
    )
  })

  it.each([
    [1, 'MemoryLocalStore'],
    [2, 'MemoryLocalStore'],
    [1, 'IdbLocalStore'],
    [2, 'IdbLocalStore'],
  ] as const)(
    'reads a store of format %i (256 buckets; chunks of entry objects) and rewrites its index in columns, in one write (%s)',
    async (format, kind) => {
      const remote = new MemoryBlobStore()
      const local: LocalStore =
        kind === 'IdbLocalStore'
          ? await IdbLocalStore.open({
              dbName: 'diary',
              indexedDB: new IDBFactory(),
              keyRange: IDBKeyRange,
              locks: null,
            })
          : new MemoryLocalStore()
      const summarize = (doc: Y.Doc) => doc.getText('t').toString()
      let engine = await SyncEngine.open({ remote, local, root: '/p', autoSync: false, summarize })
      for (let i = 0; i < 300; i++) {
        const doc = await engine.doc(`doc-${i}`)
        doc.getText('t').insert(0, `entry ${i}`)
      }
      await engine.flush()
      const byId = (list: Array<{ id: string }>) => [...list].sort((a, b) => a.id.localeCompare(b.id))
      const listed = byId(engine.list())
      await engine.close()
      // As an earlier version stored it. Format 1: every bucket under i/ as an object keyed by id, no chunks.
      // Format 2: chunks of 16 buckets, each its ids and an entry object per id, and one bucket apart.
      const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))
      const writes: LocalWrite[] = []
      const byBucket = new Map<number, Record<string, IndexEntry>>()
      for (const [id, e] of (await loaded(local)).entries()) {
        const b = bucketOf(id)
        byBucket.set(b, { ...byBucket.get(b), [id]: e })
      }
      const columns = (b: number) => {
        const bucket = Object.entries(byBucket.get(b) ?? {})
        return [bucket.map(([id]) => id), bucket.map(([, e]) => e)]
      }
      for (const key of await local.keys(keys.indexPrefix)) writes.push([key, undefined])
      for (let c = 0; c < 16; c++) {
        const chunk = Array.from({ length: 16 }, (_, i) => columns(c * 16 + i))
        writes.push([keys.indexChunk(c), format === 1 ? undefined : json(chunk)])
      }
      for (const [b, bucket] of byBucket)
        if (format === 1 || b === 7) writes.push([keys.index(b), json(format === 1 ? bucket : columns(b))])
      const state = JSON.parse(new TextDecoder().decode(await local.get(keys.state)))
      writes.push([keys.state, json({ ...state, format })])
      await local.write(writes)
      expect(await local.keys(keys.indexPrefix)).toHaveLength(format === 1 ? byBucket.size : 1)

      const seen: LocalWrite[][] = []
      const write = local.write.bind(local)
      local.write = async (batch) => {
        seen.push(batch)
        await write(batch)
      }
      engine = await SyncEngine.open({ remote, local, root: '/p', autoSync: false, summarize })
      expect(byId(engine.list())).toEqual(listed)
      expect(seen).toHaveLength(1)
      expect(seen[0]!.map(([key]) => key)).toContain(keys.state)
      expect(await local.keys(keys.indexPrefix)).toEqual([])
      expect(await local.keys(keys.indexChunkPrefix)).toHaveLength(16)
      expect(JSON.parse(new TextDecoder().decode(await local.get(keys.state))).format).toBe(3)
      await engine.close()
    },
  )

  it('refuses a store written by a newer version, saying to update', async () => {
    const local = new MemoryLocalStore()
    await local.write([
      [keys.state, new TextEncoder().encode(JSON.stringify({ format: 4, deviceId: 'd', nextSeq: 1 }))],
    ])
    await expect(
      SyncEngine.open({ remote: new MemoryBlobStore(), local, root: '/p', autoSync: false }),
    ).rejects.toThrow(/format 4, newer than this version of y-dropbox reads \(3\); update the app/)
  })
})
