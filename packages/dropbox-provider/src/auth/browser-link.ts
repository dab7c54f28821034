/**
 * Linking Dropbox in a browser: OAuth 2 code flow with PKCE and no app
 * secret. `beginBrowserLink` saves the code verifier and a random `state`
 * (sessionStorage by default) and returns the URL to open; after Dropbox
 * redirects back, `completeBrowserLink` checks `state`, exchanges the code and
 * saves the tokens.
 */

import { AuthError } from '@y-dropbox/core'
import {
  type AuthorizeRequest,
  buildAuthorizeUrl,
  type ExchangeTarget,
  exchangeCode,
  randomToken,
} from './authorize.ts'
import type { DropboxTokens, TokenStore } from './token-store.ts'

/** The part of the Web Storage API the link flow uses. */
export type LinkStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

/** Options of {@link beginBrowserLink}. */
export interface BeginBrowserLinkOptions {
  /** The Dropbox app key. */
  appKey: string
  /** This app's page Dropbox redirects back to; must be registered in the app console. */
  redirectUri: string
  /** Scopes to ask for. Default: metadata read, content read and write. */
  scopes?: readonly string[]
  /** Where the verifier and state wait for the redirect. Default `sessionStorage`. */
  storage?: LinkStorage
  /** Authorize page to use instead of Dropbox's. Default: Dropbox's, or the emulator's when `emulatorUrl` is set. */
  authorizeBaseUrl?: string
  /** Base URL of a y-dropbox emulator to link against instead of Dropbox. */
  emulatorUrl?: string
}

/** Options of {@link completeBrowserLink}. */
export interface CompleteBrowserLinkOptions extends ExchangeTarget {
  /** The URL Dropbox redirected to (`location.href`), holding `code` and `state` or `error`. */
  url: string
  /** The Dropbox app key. */
  appKey: string
  /** The storage given to `beginBrowserLink`. Default `sessionStorage`. */
  storage?: LinkStorage
  /** Where to save the new tokens. */
  tokenStore?: TokenStore
}

interface PendingLink {
  state: string
  codeVerifier: string
  redirectUri: string
}

/** The storage key of a pending link for `appKey`. */
export function pendingLinkKey(appKey: string): string {
  return `y-dropbox:link:${appKey}`
}

/** Starts linking: saves the PKCE verifier and state, returns the Dropbox URL to open. */
export async function beginBrowserLink(options: BeginBrowserLinkOptions): Promise<string> {
  const storage = options.storage ?? defaultStorage()
  const state = randomToken()
  const request: AuthorizeRequest = {
    appKey: options.appKey,
    redirectUri: options.redirectUri,
    state,
    ...(options.scopes ? { scopes: options.scopes } : {}),
  }
  const authorizeBaseUrl =
    options.authorizeBaseUrl ??
    (options.emulatorUrl ? `${options.emulatorUrl.replace(/\/+$/, '')}/oauth2/authorize` : undefined)
  if (authorizeBaseUrl) request.authorizeBaseUrl = authorizeBaseUrl
  const { url, codeVerifier } = await buildAuthorizeUrl(request)
  const pending: PendingLink = { state, codeVerifier, redirectUri: options.redirectUri }
  storage.setItem(pendingLinkKey(options.appKey), JSON.stringify(pending))
  return url
}

/**
 * Finishes linking from the redirect URL: checks `state` against the one
 * saved by `beginBrowserLink`, exchanges the code, saves and returns the
 * tokens. Throws `AuthError` when the user denied access, on a state
 * mismatch, or when Dropbox refuses the code.
 */
export async function completeBrowserLink(options: CompleteBrowserLinkOptions): Promise<DropboxTokens> {
  const storage = options.storage ?? defaultStorage()
  const key = pendingLinkKey(options.appKey)
  const saved = storage.getItem(key)
  // One use only: a replayed redirect must not find the verifier again.
  storage.removeItem(key)
  const params = new URL(options.url).searchParams
  const error = params.get('error')
  if (error) {
    const reason = error === 'access_denied' ? 'access was denied' : `Dropbox answered "${error}"`
    throw new AuthError(`Dropbox linking was cancelled (${reason}); link Dropbox again to sync`)
  }
  const pending = parsePending(saved)
  const state = params.get('state')
  if (!pending || !state || state !== pending.state) {
    throw new AuthError(
      'the Dropbox link response does not match a link started here (state mismatch); start linking again',
    )
  }
  const code = params.get('code')
  if (!code) throw new AuthError('the Dropbox link response holds no authorization code; start linking again')
  const tokens = await exchangeCode({
    appKey: options.appKey,
    code,
    codeVerifier: pending.codeVerifier,
    redirectUri: pending.redirectUri,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.emulatorUrl ? { emulatorUrl: options.emulatorUrl } : {}),
  })
  await options.tokenStore?.save(tokens)
  return tokens
}

function parsePending(text: string | null): PendingLink | undefined {
  if (!text) return undefined
  try {
    const value = JSON.parse(text) as Partial<PendingLink>
    if (
      typeof value.state === 'string' &&
      typeof value.codeVerifier === 'string' &&
      typeof value.redirectUri === 'string'
    ) {
      return value as PendingLink
    }
  } catch {
    // Unreadable: treated as no pending link.
  }
  return undefined
}

function defaultStorage(): LinkStorage {
  const storage = (globalThis as { sessionStorage?: LinkStorage }).sessionStorage
  if (!storage) throw new TypeError('no sessionStorage here: pass `storage` to the Dropbox link helpers')
  return storage
}
