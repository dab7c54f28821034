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
 * A bucket is stored as columns ({@link StoredBucket}): a start parses no
 * object per entry besides the app's summaries, and a bucket becomes a map
 * of entries only when something reads or changes it, so `list()` at a start
 * reads the columns as parsed. In Chromium at 10,000 entries this layout
 * took 1.16 MB where one object per entry took 1.66 MB, and with IndexedDB
 * started a cold start listed in 124 ms instead of 142 (medians of 7).
 *
 * Stores written by earlier versions (one object per entry; before chunks,
 * 256 buckets only) load as maps, and the first `takeWrites()` writes every
 * chunk again in today's layout and deletes every bucket stored apart.
 */

import { CorruptBlobError } from '../errors.ts'
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
  /** Buckets read or changed since the load, as maps. */
  #buckets = new Map<number, Map<string, IndexEntry>>()
  /** Buckets as loaded and not touched since; a bucket is here or in `#buckets`, never both. */
  #stored = new Map<number, StoredBucket>()
  /** Buckets changed since the last save. */
  #dirty = new Set<number>()
  /** Buckets stored on their own (`i/<b>`), as far as this index knows. */
  #loose = new Set<number>()
  /** Chunks to write again at the next save whatever stands apart: all of them after `clear()` or an upgrade. */
  #fold = new Set<number>()
  #size = 0

  /** Number of documents known. */
  get size(): number {
    return this.#size
  }

  get(docId: string): IndexEntry | undefined {
    return this.#touch(bucketOf(docId))?.get(docId)
  }

  /** Every document id and entry. */
  *entries(): IterableIterator<[string, IndexEntry]> {
    for (let b = 0; b < BUCKETS; b++) {
      const bucket = this.#touch(b)
      if (bucket) yield* bucket
    }
  }

  /** Calls `fn` with what `list()` shows of every entry, without making a map of the buckets as loaded. */
  forEach(fn: (docId: string, updatedAt: number, deleted: boolean, summary: unknown) => void): void {
    for (let b = 0; b < BUCKETS; b++) {
      const stored = this.#stored.get(b)
      if (stored) {
        const [ids, updatedAt, flags, , summaries] = stored
        for (let i = 0; i < ids.length; i++) {
          const f = flags[i]!
          fn(ids[i]!, updatedAt[i]!, (f & DELETED) !== 0, f & SUMMARY ? summaries[i] : undefined)
        }
      } else {
        for (const [id, e] of this.#buckets.get(b) ?? []) fn(id, e.updatedAt, e.deleted, e.summary)
      }
    }
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

  /**
   * Loads the index stored in `store` (chunks, then the buckets stored on
   * their own). Each value is parsed as soon as it arrives, while the others
   * are still being read.
   */
  async load(store: LocalStore): Promise<void> {
    const parsedChunk = async (c: number) => {
      const key = keys.indexChunk(c)
      const bytes = await store.get(key)
      return bytes ? decodeChunk(bytes, key) : undefined
    }
    const parsedLoose = async (key: string) => {
      const b = Number.parseInt(key.slice(keys.indexPrefix.length), 16)
      if (!(b >= 0 && b < BUCKETS)) return undefined
      const bytes = await store.get(key)
      return bytes ? { b, bucket: decodeBucket(bytes, key) } : undefined
    }
    const [chunks, loose] = await Promise.all([
      Promise.all(Array.from({ length: CHUNKS }, (_, c) => parsedChunk(c))),
      store.keys(keys.indexPrefix).then((found) => Promise.all(found.map(parsedLoose))),
    ])
    // A chunk lists its 16 buckets in order: no id is hashed at a start.
    chunks.forEach((buckets, c) => {
      buckets?.forEach((bucket, i) => {
        this.#put(c * CHUNK_BUCKETS + i, bucket)
      })
    })
    for (const found of loose) {
      if (!found) continue
      // A bucket stored on its own is newer than its chunk: it replaces that part.
      this.#put(found.b, found.bucket)
      this.#loose.add(found.b)
    }
    this.#size = 0
    for (const bucket of this.#buckets.values()) this.#size += bucket.size
    for (const [ids] of this.#stored.values()) this.#size += ids.length
  }

  /** Puts a bucket as loaded: columns stay as they are, an earlier layout (a map) is written again at the next save. */
  #put(b: number, bucket: StoredBucket | Map<string, IndexEntry>): void {
    this.#buckets.delete(b)
    this.#stored.delete(b)
    if (bucket instanceof Map) {
      if (bucket.size > 0) this.#buckets.set(b, bucket)
      this.#fold.add(chunkOf(b))
    } else if (bucket[0].length > 0) {
      this.#stored.set(b, bucket)
    }
  }

  /**
   * The LocalStore writes that persist the changes since the last call: the
   * changed buckets on their own, or their chunk written again (deleting its
   * buckets) once {@link FOLD_AT} of them would be stored on their own.
   */
  takeWrites(): LocalWrite[] {
    return this.takeWriteGroups().flat()
  }

  /**
   * The writes of {@link takeWrites}, grouped so that each group leaves the
   * stored index whole on its own: a bucket stored apart, or a chunk with the
   * deletion of its buckets stored apart. Written in turn, a crash between
   * two groups leaves every bucket as it was before or after.
   */
  takeWriteGroups(): LocalWrite[][] {
    const chunks = new Set(this.#fold)
    for (const b of this.#dirty) this.#loose.add(b)
    for (let c = 0; c < CHUNKS; c++) if (this.#looseIn(c) >= FOLD_AT) chunks.add(c)
    const groups: LocalWrite[][] = []
    for (const b of this.#dirty) {
      if (chunks.has(chunkOf(b))) continue
      // Written even when empty: it must replace what the chunk holds of it.
      groups.push([
        [keys.index(b), encodeJson({ v: LAYOUT, b: this.#storedBucket(b) } satisfies StoredLoose)],
      ])
    }
    for (const c of chunks) {
      const stored: StoredBucket[] = []
      const group: LocalWrite[] = []
      for (let b = c * CHUNK_BUCKETS; b < (c + 1) * CHUNK_BUCKETS; b++) {
        stored.push(this.#storedBucket(b))
        // Every bucket key, not only those this index knows of: a write that failed may have left one.
        group.push([keys.index(b), undefined])
        this.#loose.delete(b)
      }
      const empty = stored.every(([ids]) => ids.length === 0)
      group.push([
        keys.indexChunk(c),
        empty ? undefined : encodeJson({ v: LAYOUT, b: stored } satisfies StoredChunk),
      ])
      groups.push(group)
    }
    this.#dirty.clear()
    this.#fold.clear()
    return groups
  }

  /** The bucket as stored: the columns as loaded when nothing touched it since. */
  #storedBucket(b: number): StoredBucket {
    return this.#stored.get(b) ?? storedBucket(this.#buckets.get(b))
  }

  /** The bucket as a map, made from its columns on first use; undefined when it holds nothing. */
  #touch(b: number): Map<string, IndexEntry> | undefined {
    const stored = this.#stored.get(b)
    if (!stored) return this.#buckets.get(b)
    const bucket = bucketFromColumns(stored)
    this.#stored.delete(b)
    this.#buckets.set(b, bucket)
    return bucket
  }

  #bucket(b: number): Map<string, IndexEntry> {
    let bucket = this.#touch(b)
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
    this.#stored.clear()
    this.#size = 0
  }
}

/** What the index is stored as: a chunk's or a bucket's JSON says it with `v` (earlier layouts were arrays, or objects keyed by id). */
const LAYOUT = 3

/**
 * A bucket as stored: ids, and their fields in columns of the same order.
 * `flags` holds {@link DELETED}, {@link SUMMARY_DIRTY}, {@link SUMMARY_STALE}
 * and {@link SUMMARY} (a summary is present: it may be `null`); `summaryBy`
 * and `summaries` hold `null` where there is none. Columns parse into no
 * object per entry, and name no field per entry.
 */
type StoredBucket = [
  ids: string[],
  updatedAt: number[],
  flags: number[],
  summaryBy: Array<string | null>,
  summaries: unknown[],
]
const DELETED = 1
const SUMMARY_DIRTY = 2
const SUMMARY_STALE = 4
const SUMMARY = 8

/** A chunk as stored (`k/<c>`): its 16 buckets in order. */
interface StoredChunk {
  v: typeof LAYOUT
  b: StoredBucket[]
}

/** A bucket stored on its own (`i/<b>`). */
interface StoredLoose {
  v: typeof LAYOUT
  b: StoredBucket
}

const decoder = new TextDecoder()

function storedBucket(bucket: Map<string, IndexEntry> | undefined): StoredBucket {
  const stored: StoredBucket = [[], [], [], [], []]
  const [ids, updatedAt, flags, summaryBy, summaries] = stored
  for (const [id, e] of bucket ?? []) {
    ids.push(id)
    updatedAt.push(e.updatedAt)
    flags.push(
      (e.deleted ? DELETED : 0) |
        (e.summaryDirty ? SUMMARY_DIRTY : 0) |
        (e.summaryStale ? SUMMARY_STALE : 0) |
        (e.summary !== undefined ? SUMMARY : 0),
    )
    summaryBy.push(e.summaryBy ?? null)
    summaries.push(e.summary ?? null)
  }
  return stored
}

/** The entries of stored columns; false flags and missing fields are left out, as they were set. */
function bucketFromColumns([ids, updatedAt, flags, summaryBy, summaries]: StoredBucket): Map<
  string,
  IndexEntry
> {
  const bucket = new Map<string, IndexEntry>()
  for (let i = 0; i < ids.length; i++) {
    const f = flags[i]!
    const entry: IndexEntry = { updatedAt: updatedAt[i]!, deleted: (f & DELETED) !== 0 }
    if (f & SUMMARY) entry.summary = summaries[i]
    if (f & SUMMARY_DIRTY) entry.summaryDirty = true
    if (f & SUMMARY_STALE) entry.summaryStale = true
    const by = summaryBy[i]
    if (by !== null && by !== undefined) entry.summaryBy = by
    bucket.set(ids[i]!, entry)
  }
  return bucket
}

function parseJson(bytes: Uint8Array, key: string): unknown {
  try {
    return JSON.parse(decoder.decode(bytes))
  } catch (error) {
    throw new CorruptBlobError('the local document index is damaged: not valid JSON', key, {
      cause: error,
    })
  }
}

function notIndex(key: string): CorruptBlobError {
  return new CorruptBlobError('the local document index is damaged: not in a layout this version writes', key)
}

/** Columns of equal length, ids and times as such: anything else is refused before it is used. */
function checkedBucket(value: unknown, key: string): StoredBucket {
  if (!Array.isArray(value) || value.length !== 5 || !value.every(Array.isArray)) throw notIndex(key)
  const [ids, updatedAt, flags, summaryBy] = value as StoredBucket
  if (!value.every((column: unknown[]) => column.length === ids.length)) throw notIndex(key)
  if (
    !ids.every((id) => typeof id === 'string') ||
    !updatedAt.every((at) => typeof at === 'number') ||
    !flags.every((f) => Number.isInteger(f)) ||
    !summaryBy.every((by) => by === null || typeof by === 'string')
  )
    throw notIndex(key)
  return value as StoredBucket
}

/** A chunk's 16 buckets: columns, or maps where it is of an earlier layout. */
function decodeChunk(bytes: Uint8Array, key: string): Array<StoredBucket | Map<string, IndexEntry>> {
  const json = parseJson(bytes, key)
  if (Array.isArray(json)) return (json as Array<EarlierColumns | Pair[]>).map(bucketFrom)
  const chunk = json as Partial<StoredChunk> | null
  if (chunk?.v !== LAYOUT || !Array.isArray(chunk.b) || chunk.b.length !== CHUNK_BUCKETS) throw notIndex(key)
  return chunk.b.map((bucket) => checkedBucket(bucket, key))
}

/**
 * A bucket of the first column layout: its ids, and one object per entry in
 * the same order.
 */
type EarlierColumns = [ids: string[], entries: IndexEntry[]]

/**
 * A bucket of an earlier chunked layout as a map: `[id, entry]` pairs (the
 * first), or an id column beside an entry object per id (format 2). The
 * first save after the load writes it again in today's columns (`#put`).
 */
function bucketFrom(stored: EarlierColumns | Pair[]): Map<string, IndexEntry> {
  if (isPairs(stored)) return new Map(stored)
  const [ids, entries] = stored
  const bucket = new Map<string, IndexEntry>()
  for (let i = 0; i < ids.length; i++) bucket.set(ids[i]!, entries[i]!)
  return bucket
}

type Pair = [string, IndexEntry]

/** Pairs hold an entry (an object) second in their first element; columns hold an id there, or nothing. */
function isPairs(stored: EarlierColumns | Pair[]): stored is Pair[] {
  const first = stored[0] as unknown[] | undefined
  return stored.length !== 2 || (first !== undefined && first.length === 2 && typeof first[1] === 'object')
}

/** A bucket stored on its own: today's columns, or a map where it is of an earlier layout (columns of objects, pairs, or an object keyed by id). */
function decodeBucket(bytes: Uint8Array, key: string): StoredBucket | Map<string, IndexEntry> {
  const json = parseJson(bytes, key)
  if (Array.isArray(json)) return bucketFrom(json as EarlierColumns | Pair[])
  if (json === null || typeof json !== 'object') throw notIndex(key)
  const loose = json as Partial<StoredLoose>
  if (typeof loose.v === 'number') {
    if (loose.v !== LAYOUT) throw notIndex(key)
    return checkedBucket(loose.b, key)
  }
  return new Map(Object.entries(json as Record<string, IndexEntry>))
}
