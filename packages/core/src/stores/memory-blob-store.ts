/**
 * An in-memory `BlobStore` for tests and demos: several simulated devices
 * share one `MemoryCloud`, each through its own `MemoryBlobStore` client with
 * its own seeded faults (failures, lost responses, rate limits, latency,
 * listing lag, duplicate delivery, offline).
 */

import type { BlobFile, BlobListing, BlobMeta, BlobStore, PutMode } from '../blob-store.ts'
import { contentHash } from '../content-hash.ts'
import { CursorResetError, TransientError } from '../errors.ts'
import { MemoryCloudState, type MemoryFile } from './memory-cloud-state.ts'
import {
  type BlobStoreMethod,
  type BlobStoreStats,
  copyStats,
  emptyStats,
  FaultDice,
  type MemoryFaults,
  NO_FAULTS,
} from './memory-faults.ts'
import { abortReason, decodeCursor, encodeCursor, isUnder, normalizePath, normalizePrefix } from './paths.ts'

export type { MemoryFile } from './memory-cloud-state.ts'
export type { BlobStoreMethod, BlobStoreStats, MemoryFaults } from './memory-faults.ts'

/** Options of one `MemoryBlobStore` client: its faults plus the knobs below. */
export interface MemoryBlobStoreOptions extends Partial<MemoryFaults> {
  /** The cloud to join; a private one is made when absent. Same as `cloud.connect(options)`. */
  cloud?: MemoryCloud
  /** Seed of this client's fault decisions. Default: derived from the cloud's seed and client count. */
  seed?: number
  /** How latency is waited for; inject a fake to keep tests fast. Default: `setTimeout`. */
  sleep?: (ms: number) => Promise<void>
  /** How long `watch` waits before resolving `false`, in ms. Default 30,000. */
  watchTimeoutMs?: number
}

/** Options of a `MemoryCloud`. */
export interface MemoryCloudOptions {
  /** Base seed from which clients without an explicit seed derive theirs. Default 1. */
  seed?: number
}

const states = new WeakMap<MemoryCloud, MemoryCloudState>()
const CURSOR_KIND = 'mem1'

/** One shared in-memory "Dropbox": connect a client per simulated device. */
export class MemoryCloud {
  readonly #seed: number
  #clients = 0

  constructor(options: MemoryCloudOptions = {}) {
    this.#seed = options.seed ?? 1
    states.set(this, new MemoryCloudState())
  }

  /** A new client of this cloud with its own faults and counters. */
  connect(options: Omit<MemoryBlobStoreOptions, 'cloud'> = {}): MemoryBlobStore {
    return new MemoryBlobStore({ ...options, cloud: this })
  }

  /** Copies of the files under `prefix` (default: all), sorted by path, for test inspection. */
  files(prefix = '/'): MemoryFile[] {
    const state = stateOf(this)
    const p = normalizePrefix(prefix)
    return state
      .snapshot(p, Number.POSITIVE_INFINITY)
      .map((meta) => ({ meta: { ...meta }, data: state.files.get(meta.path)!.data.slice() }))
  }

  /** Calls and bytes of every client so far. */
  stats(): BlobStoreStats {
    return copyStats(stateOf(this).stats)
  }

  /** Makes every cursor issued so far invalid: later uses throw `CursorResetError`. */
  resetCursors(): void {
    stateOf(this).resetCursors()
  }

  /** @internal The seed of the next client that has none of its own. */
  nextSeed(): number {
    return this.#seed * 7919 + ++this.#clients
  }
}

/** A client of a `MemoryCloud`: a `BlobStore` with switchable, seeded faults. */
export class MemoryBlobStore implements BlobStore {
  /** The cloud this client talks to. */
  readonly cloud: MemoryCloud
  readonly #state: MemoryCloudState
  readonly #dice: FaultDice
  readonly #sleep: (ms: number) => Promise<void>
  readonly #watchTimeoutMs: number
  readonly #stats = emptyStats()
  #faults: MemoryFaults
  #listCalls = 0
  #visible: number
  readonly #pending: Array<{ logLength: number; readyAt: number }> = []

  constructor(options: MemoryBlobStoreOptions = {}) {
    const { cloud, seed, sleep, watchTimeoutMs, ...faults } = options
    this.cloud = cloud ?? new MemoryCloud()
    this.#state = stateOf(this.cloud)
    this.#dice = new FaultDice(seed ?? this.cloud.nextSeed())
    this.#sleep = sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))
    this.#watchTimeoutMs = watchTimeoutMs ?? 30_000
    this.#faults = { ...NO_FAULTS, ...faults }
    this.#visible = this.#state.log.length
    this.#state.onAppend((logLength) => {
      if (this.#faults.listLag <= 0 && this.#pending.length === 0) this.#visible = logLength
      else this.#pending.push({ logLength, readyAt: this.#listCalls + Math.max(0, this.#faults.listLag) })
    })
  }

  /** The faults in force. */
  get faults(): Readonly<MemoryFaults> {
    return { ...this.#faults }
  }

  /** Changes some faults, keeping the others; e.g. `setFaults({ offline: true })`. */
  setFaults(faults: Partial<MemoryFaults>): void {
    this.#faults = { ...this.#faults, ...faults }
  }

  /** Calls and bytes of this client so far. */
  stats(): BlobStoreStats {
    return copyStats(this.#stats)
  }

  /** {@inheritDoc BlobStore.put} */
  async put(path: string, data: Uint8Array, mode: PutMode): Promise<BlobMeta> {
    const p = normalizePath(path)
    await this.#enter('put', [p])
    const copy = data.slice()
    this.#stats.bytesUp += copy.length
    this.#state.stats.bytesUp += copy.length
    const hash = await contentHash(copy)
    const meta = this.#state.write(p, copy, hash, mode)
    this.#afterWrite('put')
    return { ...meta }
  }

  /** {@inheritDoc BlobStore.get} */
  async get(path: string): Promise<BlobFile | undefined> {
    const p = normalizePath(path)
    await this.#enter('get', [p])
    return this.#read(p)
  }

  // One call (one latency, one fault roll) for every file; each as it is now.
  /** {@inheritDoc BlobStore.getFolder} */
  async getFolder(folder: string, files: readonly BlobMeta[]): Promise<Array<BlobFile | undefined>> {
    const prefix = normalizePrefix(folder)
    const paths = files.map((meta) => normalizePath(meta.path))
    const outside = paths.find((p) => !isUnder(p, prefix))
    if (outside !== undefined) throw new RangeError(`getFolder: ${outside} is not under ${prefix || '/'}`)
    await this.#enter('getFolder', paths)
    return paths.map((p) => this.#read(p))
  }

  /** {@inheritDoc BlobStore.list} */
  async list(prefix: string, cursor?: string): Promise<BlobListing> {
    const p = normalizePrefix(prefix)
    await this.#enter('list', [p])
    this.#advanceVisibility()
    let entries: BlobMeta[]
    let position = this.#visible
    if (cursor === undefined) {
      entries = this.#state.snapshot(p, position)
    } else {
      const parts = decodeCursor(CURSOR_KIND, cursor, this.#state.cursorId)
      if (parts.prefix !== p) {
        throw new CursorResetError(
          `the cursor lists "${parts.prefix}", not "${p}"; list "${p}" without a cursor`,
        )
      }
      position = Math.max(position, parts.position)
      entries = this.#state.changes(p, parts.position, position)
    }
    const out = entries.map((meta) => ({ ...meta }))
    for (const meta of entries) if (this.#dice.roll(this.#faults.duplicateRate)) out.push({ ...meta })
    return {
      entries: out,
      cursor: encodeCursor(CURSOR_KIND, { store: this.#state.cursorId, position, prefix: p }),
    }
  }

  /** {@inheritDoc BlobStore.delete} */
  async delete(paths: string[]): Promise<void> {
    const normalized = paths.map(normalizePath)
    await this.#enter('delete', normalized)
    this.#state.remove(normalized)
    this.#afterWrite('delete')
  }

  /**
   * Resolves `true` as soon as the change log holds a change under the
   * cursor's folder past the cursor (at once if it already does), `false`
   * after `watchTimeoutMs`; rejects when `signal` aborts.
   */
  async watch(cursor: string, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) throw abortReason(signal)
    await this.#enter('watch', this.#watchedFolder(cursor))
    const { prefix, position } = decodeCursor(CURSOR_KIND, cursor, this.#state.cursorId)
    if (this.#state.hasChangeSince(prefix, position)) return true
    return new Promise<boolean>((resolve, reject) => {
      const finish = (settle: () => void) => {
        clearTimeout(timer)
        unsubscribe()
        signal.removeEventListener('abort', onAbort)
        settle()
      }
      const onAbort = () => finish(() => reject(abortReason(signal)))
      const timer = setTimeout(() => finish(() => resolve(false)), this.#watchTimeoutMs)
      const unsubscribe = this.#state.onAppend((_, change) => {
        if (isUnder(change.path, prefix)) finish(() => resolve(true))
      })
      signal.addEventListener('abort', onAbort, { once: true })
      if (signal.aborted) onAbort()
    })
  }

  /** The folder a cursor watches, for `failPaths` (none when it does not decode: `watch` then rejects it). */
  #watchedFolder(cursor: string): string[] {
    try {
      return [decodeCursor(CURSOR_KIND, cursor, this.#state.cursorId).prefix]
    } catch {
      return []
    }
  }

  #read(path: string): BlobFile | undefined {
    const file = this.#state.files.get(path)
    if (!file) return undefined
    this.#stats.bytesDown += file.data.length
    this.#state.stats.bytesDown += file.data.length
    return { data: file.data.slice(), meta: { ...file.meta } }
  }

  /** Counts the call, waits the latency and throws any fault met before the call runs. */
  async #enter(method: BlobStoreMethod, paths: string[] = []): Promise<void> {
    this.#stats.calls[method]++
    this.#state.stats.calls[method]++
    const ms = this.#dice.latency(this.#faults.latencyMs)
    if (ms > 0) await this.#sleep(ms)
    this.#dice.before(this.#faults, method, () => this.#countFault(), paths)
  }

  /** Throws a lost-response failure after a write took effect, at `failAfterWriteRate`. */
  #afterWrite(method: BlobStoreMethod): void {
    if (!this.#dice.roll(this.#faults.failAfterWriteRate)) return
    this.#countFault()
    throw new TransientError(
      `simulated lost response: the ${method} took effect but its answer never arrived; retry it`,
    )
  }

  #countFault(): void {
    this.#stats.faults++
    this.#state.stats.faults++
  }

  /** One more list call: changes whose lag has passed become visible, in log order. */
  #advanceVisibility(): void {
    this.#listCalls++
    while (this.#pending.length > 0 && this.#listCalls > this.#pending[0]!.readyAt) {
      this.#visible = this.#pending.shift()!.logLength
    }
  }
}

function stateOf(cloud: MemoryCloud): MemoryCloudState {
  return states.get(cloud)!
}
