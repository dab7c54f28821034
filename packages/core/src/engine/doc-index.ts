/**
 * The per-document index that `list()` reads without loading documents,
 * grouped in 256 buckets by a hash of the id. It is stored in two levels so
 * that a change writes little and a cold start reads few values:
 *
 * - 16 chunks (`k/<c>`), each listing its 16 buckets in order: what a cold
 *   start mostly reads. In Chromium each IndexedDB read costs about the same
 *   at 8 KB as at 100 KB: 16 reads of 73 KB took 19–72 ms where the 256
 *   buckets of a 10,000-entry index took 86–166 ms;
 * - buckets changed since their chunk was written (`i/<b>`), each replacing
 *   its part of the chunk. A chunk is written again, and its buckets deleted,
 *   once {@link FOLD_AT} of its buckets are stored on their own, so a start
 *   reads at most 16 + 48 values and a save writes one bucket plus a quarter
 *   of a chunk on average.
 *
 * Stores written by earlier versions hold the 256 buckets only: they load as
 * buckets over empty chunks, and the first `takeWrites()` folds every chunk,
 * since all its buckets stand apart.
 */

import type { LocalStore, LocalWrite } from '../local-store.ts'
import { encodeJson, keys } from './local-state.ts'

/** What `list()` knows of a document. */
export interface IndexEntry {
  /** Newest change seen, ms since the epoch. */
  updatedAt: number
  /** Once true, true: delete wins over concurrent edits. */
  deleted: boolean
  /** App-defined summary (from `summarize`), possibly a hint from another device. */
  summary?: unknown
  /** The summary changed here since this device last pushed it. */
  summaryDirty?: boolean
  /** The summary may disagree with the merged document; recompute when idle. */
  summaryStale?: boolean
  /** Who produced the summary: a device id, or `local` when computed here. */
  summaryBy?: string
}

const BUCKETS = 256
/** Buckets per chunk, and chunks. */
const CHUNK_BUCKETS = 16
const CHUNKS = BUCKETS / CHUNK_BUCKETS
/** Buckets of one chunk stored on their own at which the chunk is written again. */
export const FOLD_AT = 4

const chunkOf = (bucket: number) => Math.floor(bucket / CHUNK_BUCKETS)

/** FNV-1a over the UTF-16 units of a string, as an unsigned 32-bit integer. */
export function hash32(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** The index bucket (0–255) of a document id. */
export function bucketOf(docId: string): number {
  return hash32(docId) % BUCKETS
}

/** In-memory index, grouped by bucket, with what its next save must write. */
export class DocIndex {
  #buckets = new Map<number, Map<string, IndexEntry>>()
  /** Buckets changed since the last save. */
  #dirty = new Set<number>()
  /** Buckets stored on their own (`i/<b>`), as far as this index knows. */
  #loose = new Set<number>()
  /** Chunks to write again at the next save whatever stands apart: all of them after `clear()`. */
  #fold = new Set<number>()
  #size = 0

  /** Number of documents known. */
  get size(): number {
    return this.#size
  }

  get(docId: string): IndexEntry | undefined {
    return this.#buckets.get(bucketOf(docId))?.get(docId)
  }

  /** Every document id and entry. */
  *entries(): IterableIterator<[string, IndexEntry]> {
    for (const bucket of this.#buckets.values()) yield* bucket
  }

  /** Calls `fn` with every entry; cheaper than `entries()` where every entry is visited (a list at start). */
  forEach(fn: (entry: IndexEntry, docId: string) => void): void {
    for (const bucket of this.#buckets.values()) bucket.forEach(fn)
  }

  /** Sets an entry and marks its bucket for the next save. */
  set(docId: string, entry: IndexEntry): void {
    const b = bucketOf(docId)
    const bucket = this.#bucket(b)
    if (!bucket.has(docId)) this.#size++
    bucket.set(docId, entry)
    this.#dirty.add(b)
  }

  /**
   * Merges what the batches or shards of one apply say of a document: deleted
   * is OR-ed, updatedAt is the max, the newest summary wins. The summary stays
   * a hint (`summaryStale`, recomputed when idle) when the document now holds
   * changes from someone other than whoever summarised it: another device, or
   * this device's unsent edits.
   */
  mergeRemote(
    docId: string,
    remotes: Array<{ deleted: boolean; updatedAt: number; summary?: unknown }>,
    sources: Set<string>,
    localChanges: boolean,
  ): IndexEntry {
    const current = this.get(docId)
    const next: IndexEntry = current ? { ...current } : { deleted: false, updatedAt: 0 }
    let summaryAt = current?.summary === undefined ? -1 : current.updatedAt
    for (const remote of remotes) {
      next.deleted ||= remote.deleted
      next.updatedAt = Math.max(next.updatedAt, remote.updatedAt)
      if (remote.summary !== undefined && remote.updatedAt >= summaryAt) {
        next.summary = remote.summary
        summaryAt = remote.updatedAt
      }
    }
    const summariser = current?.summaryBy
    const others = sources.size > 1 || (summariser !== undefined && !sources.has(summariser))
    if (current && (others || localChanges)) next.summaryStale = true
    if (sources.size === 1 && summaryAt >= 0 && !next.summaryStale) next.summaryBy = [...sources][0]
    this.set(docId, next)
    return next
  }

  /** Loads the index stored in `store` (chunks, then the buckets stored on their own). */
  async load(store: LocalStore): Promise<void> {
    const chunkKeys = Array.from({ length: CHUNKS }, (_, c) => keys.indexChunk(c))
    const [chunks, bucketKeys] = await Promise.all([
      Promise.all(chunkKeys.map((key) => store.get(key))),
      store.keys(keys.indexPrefix),
    ])
    const buckets = await Promise.all(bucketKeys.map((key) => store.get(key)))
    chunks.forEach((bytes, c) => {
      if (!bytes) return
      // A chunk lists its 16 buckets in order: no id is hashed at a start.
      const stored = JSON.parse(decoder.decode(bytes)) as Array<Columns | Pair[]>
      stored.forEach((columns, i) => {
        const bucket = bucketFrom(columns)
        if (bucket.size > 0) this.#buckets.set(c * CHUNK_BUCKETS + i, bucket)
      })
    })
    bucketKeys.forEach((key, i) => {
      const bytes = buckets[i]
      const b = Number.parseInt(key.slice(keys.indexPrefix.length), 16)
      if (!bytes || !(b >= 0 && b < BUCKETS)) return
      // A bucket stored on its own is newer than its chunk: it replaces that part.
      this.#buckets.set(b, decodeBucket(bytes))
      this.#loose.add(b)
    })
    this.#size = 0
    for (const bucket of this.#buckets.values()) this.#size += bucket.size
  }

  /**
   * The LocalStore writes that persist the changes since the last call: the
   * changed buckets on their own, or their chunk written again (deleting its
   * buckets) once {@link FOLD_AT} of them would be stored on their own.
   */
  takeWrites(): LocalWrite[] {
    const chunks = new Set(this.#fold)
    for (const b of this.#dirty) this.#loose.add(b)
    for (let c = 0; c < CHUNKS; c++) if (this.#looseIn(c) >= FOLD_AT) chunks.add(c)
    const writes: LocalWrite[] = []
    for (const b of this.#dirty) {
      if (chunks.has(chunkOf(b))) continue
      // Written even when empty: it must replace what the chunk holds of it.
      writes.push([keys.index(b), encodeJson(storedColumns(this.#buckets.get(b)))])
    }
    for (const c of chunks) {
      const stored: Columns[] = []
      for (let b = c * CHUNK_BUCKETS; b < (c + 1) * CHUNK_BUCKETS; b++) {
        stored.push(storedColumns(this.#buckets.get(b)))
        // Every bucket key, not only those this index knows of: a write that failed may have left one.
        writes.push([keys.index(b), undefined])
        this.#loose.delete(b)
      }
      const empty = stored.every(([ids]) => ids.length === 0)
      writes.push([keys.indexChunk(c), empty ? undefined : encodeJson(stored)])
    }
    this.#dirty.clear()
    this.#fold.clear()
    return writes
  }

  #bucket(b: number): Map<string, IndexEntry> {
    let bucket = this.#buckets.get(b)
    if (!bucket) {
      bucket = new Map()
      this.#buckets.set(b, bucket)
    }
    return bucket
  }

  #looseIn(chunk: number): number {
    let n = 0
    for (let b = chunk * CHUNK_BUCKETS; b < (chunk + 1) * CHUNK_BUCKETS; b++) if (this.#loose.has(b)) n++
    return n
  }

  /** Forgets everything (before a master download); the next save empties every chunk. */
  clear(): void {
    for (let c = 0; c < CHUNKS; c++) this.#fold.add(c)
    this.#buckets.clear()
    this.#size = 0
  }
}

/**
 * A bucket as stored: its ids, and their entries in the same order. Two
 * arrays parse into no more objects than the entries themselves; an
 * `[id, entry]` pair each made 100,000 more arrays at 100,000 entries, and
 * parsing the index took a third longer.
 */
type Columns = [ids: string[], entries: IndexEntry[]]

const decoder = new TextDecoder()

/** The entries of a bucket as stored: false flags are left out (a fifth of the bytes); read back, undefined means the same. */
function storedColumns(bucket: Map<string, IndexEntry> | undefined): Columns {
  const ids: string[] = []
  const entries: IndexEntry[] = []
  for (const [id, e] of bucket ?? []) {
    const stored: IndexEntry = { updatedAt: e.updatedAt, deleted: e.deleted }
    if (e.summary !== undefined) stored.summary = e.summary
    if (e.summaryDirty) stored.summaryDirty = true
    if (e.summaryStale) stored.summaryStale = true
    if (e.summaryBy !== undefined) stored.summaryBy = e.summaryBy
    ids.push(id)
    entries.push(stored)
  }
  return [ids, entries]
}

/**
 * A stored bucket as a map. Stores of the first chunked layout (before
 * columns) hold `[id, entry]` pairs: read as such, they are rewritten as
 * columns when their chunk is next written.
 */
function bucketFrom(stored: Columns | Pair[]): Map<string, IndexEntry> {
  if (isPairs(stored)) return new Map(stored)
  const [ids, entries] = stored
  const bucket = new Map<string, IndexEntry>()
  for (let i = 0; i < ids.length; i++) bucket.set(ids[i]!, entries[i]!)
  return bucket
}

type Pair = [string, IndexEntry]

/** Pairs hold an entry (an object) second in their first element; columns hold an id there, or nothing. */
function isPairs(stored: Columns | Pair[]): stored is Pair[] {
  const first = stored[0] as unknown[] | undefined
  return stored.length !== 2 || (first !== undefined && first.length === 2 && typeof first[1] === 'object')
}

/** A bucket stored on its own: columns (or pairs, see `bucketFrom`), or (earlier versions) an object keyed by id. */
function decodeBucket(bytes: Uint8Array): Map<string, IndexEntry> {
  const json = JSON.parse(decoder.decode(bytes)) as Columns | Pair[] | Record<string, IndexEntry>
  return Array.isArray(json) ? bucketFrom(json) : new Map(Object.entries(json))
}
