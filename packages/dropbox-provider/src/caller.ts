/**
 * Runs one Dropbox call with what the SDK lacks: retries with backoff on
 * 429, write-lock 409, 5xx and network failures; one token refresh after a
 * 401 `expired_access_token`; typed errors for everything else.
 */

import {
  AuthError,
  abortReason,
  CursorResetError,
  QuotaError,
  RateLimitError,
  TransientError,
  YDropboxError,
} from '@y-dropbox/core'
import type { Dropbox, DropboxAuth, DropboxRequestOptions } from 'dropbox'
import { REVOKED_MESSAGE } from './auth/messages.ts'
import { type TokenRefresher, tokenRefresherFor } from './auth/token-refresher.ts'
import {
  DropboxRouteError,
  HashMismatchError,
  isAbortError,
  isNetworkError,
  isResponseError,
  MalformedResponseError,
  responseTags,
  retryAfterMs,
} from './dropbox-errors.ts'
import { redact, safeCause } from './redact.ts'
import { type RetryableFailure, RetryBudget, type RetryTiming } from './retry.ts'

/** What an attempt is given. */
export interface AttemptContext {
  /** Attempt number, from 1. */
  attempt: number
  /** True when an earlier attempt failed in a way that may hide its success (lost response, 5xx). */
  ambiguous: boolean
  /** Options to pass to the SDK method (signal, timeout, extra headers). */
  options: DropboxRequestOptions
}

/** Settings of a {@link DropboxCaller}. */
export interface DropboxCallerSettings {
  /** Retry timing. */
  timing: RetryTiming
  /** Attempts whose content hash mismatches before the call gives up. */
  maxHashMismatches: number
  /** Per-request timeout in ms (0: none). */
  requestTimeoutMs: number
  /** Sent as `X-Emulator-Client` on every request when set. */
  clientTag?: string
}

type Verdict =
  | { kind: 'refresh'; cause: unknown }
  | ({ kind: 'retry'; ambiguous: boolean } & RetryableFailure)

/** Runs SDK calls with retries, refresh and error mapping. */
export class DropboxCaller {
  /** The SDK client. */
  readonly sdk: Dropbox
  /** The auth object the SDK client uses. */
  readonly auth: DropboxAuth
  readonly #refresher: TokenRefresher
  readonly #settings: DropboxCallerSettings

  constructor(sdk: Dropbox, auth: DropboxAuth, settings: DropboxCallerSettings) {
    this.sdk = sdk
    this.auth = auth
    this.#refresher = tokenRefresherFor(auth)
    this.#settings = settings
  }

  /**
   * Timeout for a request sending `bytes`: `requestTimeoutMs` plus time for
   * the body at 32 KB/s, so large uploads over slow links are not cut short.
   * 0 when timeouts are off.
   */
  timeoutFor(bytes: number): number {
    const base = this.#settings.requestTimeoutMs
    return base > 0 ? base + Math.ceil(bytes / 32) : 0
  }

  /** The retry timing, for loops that retry at a higher level (batch entries). */
  get timing(): RetryTiming {
    return this.#settings.timing
  }

  /**
   * Runs `attempt` until it succeeds, a non-retryable error occurs, or the
   * retry budget is spent. Route errors (409) the call must interpret come
   * out as {@link DropboxRouteError}.
   */
  async call<T>(
    operation: string,
    attempt: (context: AttemptContext) => Promise<T>,
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<T> {
    const { signal } = options
    const budget = new RetryBudget(this.#settings.timing, operation)
    let ambiguous = false
    let refreshes = 0
    let mismatches = 0
    for (let n = 1; ; n++) {
      if (signal?.aborted) throw abortReason(signal)
      const generation = this.#refresher.generation
      try {
        return await attempt({
          attempt: n,
          ambiguous,
          options: this.#requestOptions(signal, options.timeoutMs),
        })
      } catch (error) {
        if (signal?.aborted) throw abortReason(signal)
        let verdict = this.#classify(operation, error, ambiguous)
        if (verdict.kind === 'refresh') {
          // A token refused as expired right after a renewal will not get better.
          if (refreshes >= 2) throw new AuthError(REVOKED_MESSAGE, { cause: this.#safe(verdict.cause) })
          try {
            await this.#refresher.refreshAfter(generation)
            refreshes++
            continue
          } catch (refreshError) {
            verdict = this.#classify(operation, refreshError, ambiguous)
            if (verdict.kind === 'refresh')
              throw new AuthError(REVOKED_MESSAGE, { cause: this.#safe(refreshError) })
          }
        }
        if (verdict.reason === 'content-hash-mismatch' && ++mismatches >= this.#settings.maxHashMismatches) {
          throw new TransientError(
            `${(verdict.cause as Error).message} after ${mismatches} attempts; something between this device and Dropbox alters data, try again on another network`,
            { cause: verdict.cause },
          )
        }
        ambiguous ||= verdict.ambiguous
        await budget.wait(verdict, signal)
      }
    }
  }

  #requestOptions(signal: AbortSignal | undefined, timeoutMs: number | undefined): DropboxRequestOptions {
    const options: DropboxRequestOptions = {}
    if (signal) options.signal = signal
    const timeout = timeoutMs ?? this.#settings.requestTimeoutMs
    if (timeout > 0) options.timeout = timeout
    if (this.#settings.clientTag) options.extraHeaders = { 'X-Emulator-Client': this.#settings.clientTag }
    return options
  }

  #secrets(): string[] {
    return [this.auth.getAccessToken(), this.auth.getRefreshToken()].filter(Boolean)
  }

  #safe(error: unknown): Error {
    return safeCause(error, this.#secrets())
  }

  /** Decides what a failure means: retry, refresh, or a typed error (thrown). */
  #classify(operation: string, error: unknown, ambiguous: boolean): Verdict {
    if (isAbortError(error)) throw error
    if (error instanceof HashMismatchError) {
      return retry('content-hash-mismatch', 'content hash mismatch', error, error.direction === 'upload')
    }
    if (error instanceof MalformedResponseError) return retry('network', 'truncated response', error, true)
    if (error instanceof RateLimitError) {
      return { ...retry('rate-limit', 'HTTP 429', error, false), retryAfterMs: error.retryAfterMs }
    }
    if (error instanceof TransientError) return retry('network', error.message, error, true)
    if (error instanceof YDropboxError) throw error
    if (isNetworkError(error)) return retry('network', 'network error', error, true)
    if (!isResponseError(error)) throw error
    const status = error.status
    const tags = responseTags(error)
    if (status === 401) {
      if (tags[0] === 'expired_access_token') return { kind: 'refresh', cause: error }
      throw new AuthError(authMessage(tags), { cause: this.#safe(error) })
    }
    if (status === 429) {
      const reason = tags.includes('too_many_write_operations') ? 'write-lock' : 'rate-limit'
      return { ...retry(reason, 'HTTP 429', error, false, status), retryAfterMs: retryAfterMs(error) }
    }
    if (status === 409) {
      if (tags.includes('too_many_write_operations')) {
        return {
          ...retry('write-lock', 'write lock contention', error, false, status),
          retryAfterMs: retryAfterMs(error),
        }
      }
      if (tags.includes('insufficient_space')) {
        throw new QuotaError('the Dropbox account is full; free some space in Dropbox, then sync again', {
          cause: error,
        })
      }
      if (tags[0] === 'reset') {
        throw new CursorResetError('the Dropbox listing cursor has expired; list the folder again', {
          cause: error,
        })
      }
      if (tags.includes('content_hash_mismatch')) {
        return retry(
          'content-hash-mismatch',
          'content hash mismatch',
          new HashMismatchError(operation.replace(/^upload /, ''), 'upload'),
          false,
        )
      }
      throw new DropboxRouteError(operation, tags, ambiguous, { cause: error })
    }
    if (status >= 500) return retry('server-error', `HTTP ${status}`, error, true, status)
    if (status === 403) {
      throw new AuthError(
        `Dropbox refused ${operation} (access denied); check the app's access and link Dropbox again`,
        {
          cause: this.#safe(error),
        },
      )
    }
    const body =
      typeof error.error === 'string' ? `: ${redact(error.error.slice(0, 300), this.#secrets())}` : ''
    throw new YDropboxError(`Dropbox rejected ${operation} (HTTP ${status})${body}`, {
      cause: this.#safe(error),
    })
  }
}

function retry(
  reason: RetryableFailure['reason'],
  describe: string,
  cause: unknown,
  ambiguous: boolean,
  status?: number,
): Extract<Verdict, { kind: 'retry' }> {
  return { kind: 'retry', reason, describe, cause, ambiguous, ...(status !== undefined ? { status } : {}) }
}

function authMessage(tags: string[]): string {
  switch (tags[0]) {
    case 'missing_scope':
      return 'this Dropbox link lacks a permission the app needs; link Dropbox again'
    case 'user_suspended':
      return 'the Dropbox account is suspended; sign in to Dropbox to resolve it, then link again'
    default:
      return REVOKED_MESSAGE
  }
}
