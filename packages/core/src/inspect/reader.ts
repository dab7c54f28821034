/**
 * One inspection run over an opened pool: reads each file at most once
 * (bounded concurrency), remembers what was wrong with it, and reports
 * progress.
 */
import type { BlobMeta } from '../blob-store.ts'
import { mapConcurrent } from '../engine/context.ts'
import type { BlobEntry } from '../format/blob.ts'
import type { DeviceRecord, NamedManifest } from '../remote/records.ts'
import type { OpenedPool } from './open-pool.ts'
import type { PoolProblem, Remedy } from './problems.ts'
import { type Read, readDevice, readLog, readManifest, readShard } from './read-files.ts'

/** Progress of a long inspection. */
export interface InspectProgress {
  /** What is being done, e.g. `Checking files`. */
  phase: string
  /** Steps done so far. */
  done: number
  /** Steps in all. */
  total: number
}

/** Knobs shared by the inspection functions. */
export interface ReadOptions {
  /** Downloads running at once. Default 8. */
  concurrency?: number
  /** Told after each file. */
  onProgress?: (progress: InspectProgress) => void
}

/** Reads the files of one pool, once each, and keeps what it found. */
export class PoolReader {
  /** Problems by path, in the order found. */
  readonly problems = new Map<string, PoolProblem>()
  /** Paths read so far. */
  readonly read = new Set<string>()
  /** Bytes downloaded. */
  bytes = 0
  readonly #shards = new Map<string, Promise<Read<BlobEntry[]>>>()
  readonly #concurrency: number
  #progress: InspectProgress = { phase: '', done: 0, total: 0 }

  constructor(
    readonly opened: OpenedPool,
    private readonly options: ReadOptions = {},
  ) {
    this.#concurrency = Math.max(1, options.concurrency ?? 8)
    for (const found of opened.problems) this.problems.set(found.path, found)
  }

  /** Starts a phase of `total` files. */
  phase(phase: string, total: number): void {
    this.#progress = { phase, done: 0, total }
    this.options.onProgress?.({ ...this.#progress })
  }

  /** Runs `task` over `items` with the reader's concurrency. */
  each<T, R>(items: T[], task: (item: T) => Promise<R>): Promise<R[]> {
    return mapConcurrent(items, this.#concurrency, task)
  }

  /** A log batch's entries, or undefined when it cannot be used. */
  async log(epoch: string, deviceId: string, seq: number, meta: BlobMeta, remedies: Remedy[] = []) {
    return this.#settle(meta.path, await readLog(this.opened, epoch, deviceId, seq, meta, remedies))
  }

  /** Checks a log batch unless it was read already (its entries are not kept). */
  async checkLog(epoch: string, deviceId: string, seq: number, meta: BlobMeta): Promise<void> {
    if (!this.read.has(meta.path)) await this.log(epoch, deviceId, seq, meta)
  }

  /** A shard's entries (read once however often asked), or undefined. */
  async shard(epoch: string, hash: string): Promise<BlobEntry[] | undefined> {
    let pending = this.#shards.get(hash)
    if (!pending) {
      pending = readShard(this.opened, epoch, hash, this.opened.files.epochs.get(epoch)?.shards.get(hash))
      this.#shards.set(hash, pending)
      return this.#settle(this.opened.layout.shard(epoch, hash), await pending)
    }
    const result = await pending
    return result.ok ? result.value : undefined
  }

  /** A manifest, or undefined. */
  async manifest(epoch: string, name: string, meta: BlobMeta): Promise<NamedManifest | undefined> {
    return this.#settle(meta.path, await readManifest(this.opened, epoch, name, meta))
  }

  /** A device record, or undefined. */
  async device(deviceId: string, meta: BlobMeta): Promise<DeviceRecord | undefined> {
    return this.#settle(meta.path, await readDevice(this.opened, deviceId, meta))
  }

  /** Records a problem found by looking at the whole (a gap, a missing snapshot). */
  report(found: PoolProblem): void {
    if (!this.problems.has(found.path)) this.problems.set(found.path, found)
  }

  #settle<T>(path: string, result: Read<T>): T | undefined {
    if (!this.read.has(path)) {
      this.read.add(path)
      this.#progress.done++
      this.options.onProgress?.({ ...this.#progress })
    }
    if (result.ok) {
      this.bytes += result.bytes
      return result.value
    }
    this.report(result.problem)
    return undefined
  }
}
