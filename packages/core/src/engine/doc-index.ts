/**
 * The per-document index that `list()` reads without loading documents. It is
 * kept in 256 buckets (by a hash of the id) so a change rewrites one small
 * value and a cold start reads 256 values, not one per document.
 */

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

/** In-memory index, grouped by bucket, with dirty-bucket tracking. */
export class DocIndex {
  #buckets = new Map<number, Map<string, IndexEntry>>()
  #dirty = new Set<number>()
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

  /** Sets an entry and marks its bucket for the next save. */
  set(docId: string, entry: IndexEntry): void {
    const b = bucketOf(docId)
    let bucket = this.#buckets.get(b)
    if (!bucket) {
      bucket = new Map()
      this.#buckets.set(b, bucket)
    }
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

  /** Loads a stored bucket. */
  loadBucket(bytes: Uint8Array): void {
    const json = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, IndexEntry>
    for (const [id, entry] of Object.entries(json)) {
      this.set(id, entry)
    }
    this.#dirty.clear()
  }

  /** Encodes the buckets changed since the last call, as LocalStore writes. */
  takeDirty(keyOf: (bucket: number) => string): Array<[string, Uint8Array | undefined]> {
    const encoder = new TextEncoder()
    const writes: Array<[string, Uint8Array | undefined]> = []
    for (const b of this.#dirty) {
      const bucket = this.#buckets.get(b)
      writes.push([
        keyOf(b),
        bucket?.size ? encoder.encode(JSON.stringify(Object.fromEntries(bucket))) : undefined,
      ])
    }
    this.#dirty.clear()
    return writes
  }

  /** Forgets everything (before a master download); the next save empties every bucket. */
  clear(): void {
    for (const b of this.#buckets.keys()) this.#dirty.add(b)
    this.#buckets.clear()
    this.#size = 0
  }
}
