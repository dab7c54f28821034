/**
 * Seeded, switchable fault injection for `MemoryBlobStore`: every random
 * decision comes from one `lib0/prng` generator per client, so a run with the
 * same seed and the same calls fails the same way.
 */

import * as prng from 'lib0/prng'
import { RateLimitError, TransientError } from '../errors.ts'

/** The faults a `MemoryBlobStore` client can simulate; all off by default. */
export interface MemoryFaults {
  /** Chance (0–1) that a call throws `TransientError` before doing anything. */
  failureRate: number
  /**
   * Chance (0–1) that a `put` or `delete` takes effect and then throws
   * `TransientError`: what a dropped response looks like to the caller.
   */
  failAfterWriteRate: number
  /** Chance (0–1) that a call throws `RateLimitError` before doing anything. */
  rateLimitRate: number
  /** The `retryAfterMs` carried by injected `RateLimitError`s. */
  retryAfterMs: number
  /** Delay before each call, in ms: a fixed number or a uniform `{ min, max }` range. */
  latencyMs:
    | number
    | {
        /** Shortest delay, in ms. */
        min: number
        /** Longest delay, in ms. */
        max: number
      }
  /**
   * A change becomes visible to this client's `list` only after this many
   * further `list` calls. Visibility is always a prefix of the change log, so
   * a cursor never skips a change.
   */
  listLag: number
  /** Chance (0–1) that a listed entry is delivered twice in the same listing. */
  duplicateRate: number
  /** When true every call throws `TransientError` (no network). */
  offline: boolean
  /**
   * Calls on a path that matches (for `list` and `watch`, the folder, without
   * a trailing slash) throw `TransientError`: an outage of one kind of file,
   * e.g. `/\/devices\//` (files) or `/\/devices(\/|$)/` (files and folder).
   */
  failPaths?: RegExp | undefined
}

/** The calls a blob store counts. */
export type BlobStoreMethod = 'put' | 'get' | 'getFolder' | 'list' | 'delete' | 'watch'

/** Call and traffic counters of a blob store client or of a whole cloud. */
export interface BlobStoreStats {
  /** Calls made per method, failed ones included. */
  calls: Record<BlobStoreMethod, number>
  /** Bytes sent by `put` calls that reached the store. */
  bytesUp: number
  /** Bytes returned by `get` and `getFolder` calls. */
  bytesDown: number
  /** Faults injected (failures, rate limits, offline refusals). */
  faults: number
}

/** Fresh zeroed stats. */
export function emptyStats(): BlobStoreStats {
  return {
    calls: { put: 0, get: 0, getFolder: 0, list: 0, delete: 0, watch: 0 },
    bytesUp: 0,
    bytesDown: 0,
    faults: 0,
  }
}

/** A deep copy of stats, so callers can keep snapshots. */
export function copyStats(stats: BlobStoreStats): BlobStoreStats {
  return { ...stats, calls: { ...stats.calls } }
}

/** Faults that are off. */
export const NO_FAULTS: MemoryFaults = {
  failureRate: 0,
  failAfterWriteRate: 0,
  rateLimitRate: 0,
  retryAfterMs: 1000,
  latencyMs: 0,
  listLag: 0,
  duplicateRate: 0,
  offline: false,
}

/** Draws every random fault decision of one client from a seeded generator. */
export class FaultDice {
  readonly #gen: prng.PRNG

  constructor(seed: number) {
    this.#gen = prng.create(seed)
  }

  /** True with probability `rate`; draws nothing when `rate` is 0. */
  roll(rate: number): boolean {
    return rate > 0 && prng.real53(this.#gen) < rate
  }

  /** A latency in ms drawn from the configured fixed value or range. */
  latency(latencyMs: MemoryFaults['latencyMs']): number {
    if (typeof latencyMs === 'number') return latencyMs
    if (latencyMs.max <= latencyMs.min) return latencyMs.min
    return prng.int53(this.#gen, latencyMs.min, latencyMs.max)
  }

  /**
   * Throws the fault a call meets before it runs, if any: offline first, then
   * a rate limit, then a plain failure. `onFault` is called before throwing.
   */
  before(faults: MemoryFaults, method: BlobStoreMethod, onFault: () => void, paths: string[] = []): void {
    if (faults.offline) {
      onFault()
      throw new TransientError(`offline: the ${method} call could not reach the store; it will retry later`)
    }
    const failing = faults.failPaths
    if (failing && paths.some((path) => failing.test(path))) {
      onFault()
      throw new TransientError(`simulated failure of ${method} on ${paths.join(', ')}; retry later`)
    }
    if (this.roll(faults.rateLimitRate)) {
      onFault()
      throw new RateLimitError(faults.retryAfterMs)
    }
    if (this.roll(faults.failureRate)) {
      onFault()
      throw new TransientError(`simulated network failure during ${method}; retry later`)
    }
  }
}
