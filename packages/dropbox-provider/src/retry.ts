/**
 * Backoff with full jitter inside a bounded time budget. Every Dropbox call
 * gets one {@link RetryBudget}; when it is spent the call fails with
 * `RateLimitError` or `TransientError`, so the engine can show the status and
 * try again later.
 */

import { abortReason, RateLimitError, TransientError } from '@y-dropbox/core'

/** Why a call is being retried. */
export type RetryReason =
  | 'rate-limit'
  | 'write-lock'
  | 'server-error'
  | 'network'
  | 'content-hash-mismatch'
  | 'batch-entry'

/** What `onRetry` is told before each wait. */
export interface RetryInfo {
  /** What was being done, e.g. `upload /pool/devices/a.json`. */
  operation: string
  /** Number of the attempt that just failed, from 1. */
  attempt: number
  /** How long the store waits before the next attempt, in ms. */
  delayMs: number
  /** Why the attempt failed. */
  reason: RetryReason
  /** HTTP status of the failed attempt, when there was a response. */
  status?: number
}

/** Timing knobs of the retry loop (see `DropboxBlobStoreOptions`). */
export interface RetryTiming {
  /** Total time a call may spend retrying, in ms. */
  maxRetryTimeMs: number
  /** First backoff ceiling, in ms; doubles with each attempt. */
  baseDelayMs: number
  /** Largest backoff ceiling, in ms. */
  maxDelayMs: number
  /** Uniform random number in [0, 1). */
  random: () => number
  /** Waits `ms`, rejecting early when `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Current time in ms. */
  now: () => number
  /** Told about every retry; errors it throws are ignored. */
  onRetry?: (info: RetryInfo) => void
}

/** One failed attempt that may be retried. */
export interface RetryableFailure {
  /** Why it failed. */
  reason: RetryReason
  /** Short description for messages, e.g. `HTTP 503` (never tokens). */
  describe: string
  /** Wait the server asked for, in ms. */
  retryAfterMs?: number
  /** HTTP status, when there was a response. */
  status?: number
  /** The original failure. */
  cause: unknown
}

/** The retry state of one call: attempts so far and the time left. */
export class RetryBudget {
  readonly #timing: RetryTiming
  readonly #operation: string
  readonly #start: number
  #failures = 0

  constructor(timing: RetryTiming, operation: string) {
    this.#timing = timing
    this.#operation = operation
    this.#start = timing.now()
  }

  /** Failed attempts so far. */
  get failures(): number {
    return this.#failures
  }

  /**
   * Waits before the next attempt, or throws the typed error for `failure`
   * when the budget cannot cover the wait (at once when a `Retry-After` is
   * longer than the time left).
   */
  async wait(failure: RetryableFailure, signal?: AbortSignal): Promise<void> {
    const t = this.#timing
    this.#failures++
    const remaining = t.maxRetryTimeMs - (t.now() - this.#start)
    const ceiling = Math.min(t.maxDelayMs, t.baseDelayMs * 2 ** (this.#failures - 1))
    let delay: number
    if (failure.retryAfterMs !== undefined) {
      if (failure.retryAfterMs > remaining) throw this.exhausted(failure, failure.retryAfterMs)
      // A little jitter on top, so clients told the same Retry-After do not return together.
      delay = Math.min(remaining, failure.retryAfterMs + t.random() * Math.min(t.baseDelayMs, ceiling))
    } else {
      delay = t.random() * ceiling
      if (delay > remaining) throw this.exhausted(failure, delay)
    }
    delay = Math.round(delay)
    try {
      t.onRetry?.({
        operation: this.#operation,
        attempt: this.#failures,
        delayMs: delay,
        reason: failure.reason,
        ...(failure.status !== undefined ? { status: failure.status } : {}),
      })
    } catch {
      // A status callback must not break the call it reports on.
    }
    await t.sleep(delay, signal)
  }

  /** The error to throw when `failure` cannot be retried within the budget. */
  exhausted(failure: RetryableFailure, waitMs: number): Error {
    const seconds = Math.ceil((this.#timing.now() - this.#start) / 1000)
    if (failure.reason === 'rate-limit' || failure.reason === 'write-lock') {
      const after = Math.max(failure.retryAfterMs ?? 0, Math.round(waitMs), 1000)
      return new RateLimitError(
        after,
        `Dropbox is ${failure.reason === 'write-lock' ? 'busy with other writes' : 'rate limiting'} (${failure.describe}) for ${this.#operation}; retry in ${Math.ceil(after / 1000)} s`,
        { cause: failure.cause },
      )
    }
    return new TransientError(
      `Dropbox ${this.#operation} kept failing (${failure.describe}) after ${this.#failures} attempts in ${seconds} s; try again later`,
      { cause: failure.cause },
    )
  }
}

/** `setTimeout` as a promise that rejects with the signal's reason when it aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal))
      return
    }
    const onAbort = () => {
      clearTimeout(timer)
      reject(abortReason(signal!))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
