/**
 * Single-flight access-token refresh for a `DropboxAuth`. The SDK refreshes
 * from every request that finds the token near expiry, and never after a 401;
 * this shares one refresh between all concurrent callers and maps its
 * failures to typed errors without tokens in them.
 */

import { AuthError, RateLimitError, TransientError } from '@y-dropbox/core'
import type { DropboxAuth } from 'dropbox'
import { isNetworkError, isResponseError, retryAfterMs } from '../dropbox-errors.ts'
import { safeCause } from '../redact.ts'
import { REVOKED_MESSAGE } from './messages.ts'
import type { DropboxTokens } from './token-store.ts'

/** Called after every successful refresh with the new tokens (e.g. to persist them). */
export type RefreshListener = (tokens: DropboxTokens) => void | Promise<void>

const refreshers = new WeakMap<DropboxAuth, TokenRefresher>()

/**
 * The refresher of `auth`, installed on first use: from then on every refresh
 * of `auth` (the SDK's own before-request refresh included) is single-flight.
 */
export function tokenRefresherFor(auth: DropboxAuth): TokenRefresher {
  let refresher = refreshers.get(auth)
  if (!refresher) {
    refresher = new TokenRefresher(auth)
    refreshers.set(auth, refresher)
  }
  return refresher
}

/** The tokens an auth object holds now. */
export function tokensOf(auth: DropboxAuth): DropboxTokens {
  const expiresAt = auth.getAccessTokenExpiresAt() as Date | undefined
  return {
    accessToken: auth.getAccessToken() || undefined,
    refreshToken: auth.getRefreshToken() || undefined,
    accessTokenExpiresAt: expiresAt ? expiresAt.getTime() : undefined,
  }
}

/** Shares one token refresh between concurrent callers of one `DropboxAuth`. */
export class TokenRefresher {
  readonly #auth: DropboxAuth
  readonly #refreshOnce: () => Promise<void>
  readonly #listeners = new Set<RefreshListener>()
  #inflight: Promise<void> | undefined
  #generation = 0
  #count = 0
  #onListenerError: (error: unknown) => void = () => {}

  /** Prefer {@link tokenRefresherFor}, which installs one refresher per auth object. */
  constructor(auth: DropboxAuth) {
    this.#auth = auth
    const original = auth.refreshAccessToken.bind(auth)
    this.#refreshOnce = () => original()
    auth.refreshAccessToken = () => this.refresh()
  }

  /** Increases after each successful refresh; requests remember it to tell stale 401s apart. */
  get generation(): number {
    return this.#generation
  }

  /** Refresh requests sent so far. */
  get count(): number {
    return this.#count
  }

  /** Adds a listener called after each successful refresh; returns its remover. */
  onRefresh(listener: RefreshListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Where failures of refresh listeners go (they never fail the refresh itself). */
  set onListenerError(handler: (error: unknown) => void) {
    this.#onListenerError = handler
  }

  /**
   * Refreshes unless a refresh already happened since `generation` (the value
   * read before the request that got a 401): then the request just retries
   * with the newer token. Joins a refresh already in flight.
   */
  async refreshAfter(generation: number): Promise<void> {
    if (this.#inflight) return this.#inflight
    if (generation !== this.#generation) return
    return this.refresh()
  }

  /** Refreshes the access token, sharing one request between concurrent callers. */
  refresh(): Promise<void> {
    if (!this.#inflight) {
      this.#inflight = this.#run().finally(() => {
        this.#inflight = undefined
      })
    }
    return this.#inflight
  }

  async #run(): Promise<void> {
    const auth = this.#auth
    const refreshToken = auth.getRefreshToken()
    if (!refreshToken || !auth.getClientId()) {
      throw new AuthError(`${REVOKED_MESSAGE} (this device holds no refresh token)`)
    }
    this.#count++
    const secrets = [refreshToken, auth.getAccessToken()]
    try {
      await this.#refreshOnce()
    } catch (error) {
      throw refreshFailure(error, secrets)
    }
    this.#generation++
    const tokens = tokensOf(auth)
    for (const listener of this.#listeners) {
      try {
        await listener(tokens)
      } catch (error) {
        this.#onListenerError(error)
      }
    }
  }
}

function refreshFailure(error: unknown, secrets: Array<string | undefined>): Error {
  const cause = safeCause(error, secrets)
  if (isResponseError(error)) {
    if (error.status === 400 || error.status === 401 || error.status === 403) {
      return new AuthError(REVOKED_MESSAGE, { cause })
    }
    if (error.status === 429) {
      const wait = retryAfterMs(error) ?? 1000
      return new RateLimitError(
        wait,
        `Dropbox is rate limiting token renewal; retry in ${Math.ceil(wait / 1000)} s`,
        {
          cause,
        },
      )
    }
    return new TransientError(`Dropbox could not renew access (HTTP ${error.status}); try again later`, {
      cause,
    })
  }
  if (isNetworkError(error)) {
    return new TransientError('could not reach Dropbox to renew access; check the connection', { cause })
  }
  return new TransientError('renewing Dropbox access failed; try again later', { cause })
}
