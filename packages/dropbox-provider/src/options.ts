/** Options of `DropboxBlobStore`, with their defaults. */

import type { Dropbox, DropboxAuth } from 'dropbox'
import { abortableSleep, type RetryInfo, type RetryTiming } from './retry.ts'

/** How a `DropboxBlobStore` talks to Dropbox and how patient it is. */
export interface DropboxBlobStoreOptions {
  /**
   * Tokens and their refresh, e.g. from `createDropboxAuth`. Its refreshes
   * become single-flight. Required unless `client` is given (then its auth is used).
   */
  auth?: DropboxAuth
  /** A ready SDK client. Default: `new Dropbox({ auth, fetch })`. */
  client?: Dropbox
  /** The fetch the SDK client uses when the store builds it (e.g. one that reaches the emulator). Default: the auth's. */
  fetch?: typeof fetch
  /** Total time one operation may spend retrying before it throws `RateLimitError` or `TransientError`, in ms. Default 60,000. */
  maxRetryTimeMs?: number
  /** First backoff ceiling in ms; it doubles per attempt and each wait is a uniform random fraction of it (full jitter). Default 500. */
  baseDelayMs?: number
  /** Largest backoff ceiling, in ms. Default 30,000. */
  maxDelayMs?: number
  /** Random numbers in [0, 1) for jitter; inject for deterministic tests. Default `Math.random`. */
  random?: () => number
  /** Waits `ms`, rejecting when `signal` aborts; inject a fake to keep tests fast. Default: `setTimeout`. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Clock for the retry budget and long-poll backoff, in ms; inject alongside `sleep`. Default `Date.now`. */
  now?: () => number
  /**
   * How long one `watch` long-poll may wait for changes, in seconds. Clamped to
   * 30..200: Dropbox adds up to 90 s of jitter, and Node's fetch gives up on a
   * request that sends no headers for 300 s. Default 120.
   */
  longpollTimeoutS?: number
  /** Upload sessions of `putMany` sent at once (uploads do not take Dropbox's write lock; commits do). Default 4. */
  uploadConcurrency?: number
  /** Reads (downloads, listing pages, metadata) in flight at once. Writes always go one at a time. Default 4. */
  downloadConcurrency?: number
  /** Entries per listing page (`limit`), 1..2000. Default 2000. */
  listPageSize?: number
  /** Longest interval between `delete_batch/check` polls, in ms (they start at 50 ms and double). Default 500. */
  batchPollIntervalMs?: number
  /** Timeout of one request in ms, plus 1 ms per 32 bytes sent (0: none); a timed-out request is retried. Default 120,000. */
  requestTimeoutMs?: number
  /** Content-hash mismatches tolerated per call before it fails with a clear `TransientError`. Default 3. */
  maxHashMismatches?: number
  /**
   * Told before every retry wait (operation, attempt, delay, reason), so an app
   * can show "Dropbox is rate limiting, retrying in 5 s". Errors it throws are ignored.
   */
  onRetry?: (info: RetryInfo) => void
  /**
   * Name of this simulated device, sent as the `X-Emulator-Client` header so
   * the emulator can fault one device only. Set it only when talking to the
   * emulator (browsers would send it to Dropbox in a CORS preflight).
   */
  clientTag?: string
}

/** Options with every default applied: the retry timing plus the store's own knobs. */
export interface ResolvedOptions extends Omit<RetryTiming, 'onRetry'> {
  longpollTimeoutS: number
  uploadConcurrency: number
  downloadConcurrency: number
  listPageSize: number
  batchPollIntervalMs: number
  requestTimeoutMs: number
  maxHashMismatches: number
  onRetry: ((info: RetryInfo) => void) | undefined
  clientTag: string | undefined
}

/** Applies defaults and clamps. */
export function resolveOptions(options: DropboxBlobStoreOptions): ResolvedOptions {
  return {
    maxRetryTimeMs: options.maxRetryTimeMs ?? 60_000,
    baseDelayMs: options.baseDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 30_000,
    random: options.random ?? Math.random,
    sleep: options.sleep ?? abortableSleep,
    now: options.now ?? Date.now,
    longpollTimeoutS: clamp(Math.round(options.longpollTimeoutS ?? 120), 30, 200),
    uploadConcurrency: positive('uploadConcurrency', options.uploadConcurrency ?? 4),
    downloadConcurrency: positive('downloadConcurrency', options.downloadConcurrency ?? 4),
    listPageSize: clamp(Math.round(options.listPageSize ?? 2000), 1, 2000),
    batchPollIntervalMs: options.batchPollIntervalMs ?? 500,
    requestTimeoutMs: options.requestTimeoutMs ?? 120_000,
    maxHashMismatches: positive('maxHashMismatches', options.maxHashMismatches ?? 3),
    onRetry: options.onRetry,
    clientTag: options.clientTag,
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`)
  return value
}
