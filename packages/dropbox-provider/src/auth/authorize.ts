/**
 * The two halves of the OAuth 2 code flow with PKCE (no app secret): the
 * authorize URL (with the SDK's verifier and challenge) and the code exchange.
 */

import { AuthError, TransientError } from '@y-dropbox/core'
import { DropboxAuth } from 'dropbox'
import { isNetworkError, isResponseError, responseTags } from '../dropbox-errors.ts'
import { dropboxFetch } from '../dropbox-fetch.ts'
import { safeCause } from '../redact.ts'
import type { DropboxTokens } from './token-store.ts'

/** The scopes y-dropbox needs: read metadata and content, write content. */
export const DEFAULT_SCOPES: readonly string[] = [
  'files.metadata.read',
  'files.content.read',
  'files.content.write',
]

/** Dropbox's authorize page. */
export const DROPBOX_AUTHORIZE_URL = 'https://www.dropbox.com/oauth2/authorize'

/** Where the token exchange goes. */
export interface ExchangeTarget {
  /** The fetch to use. Default: the global one. */
  fetch?: typeof fetch
  /** Base URL of a y-dropbox emulator; absent: real Dropbox. */
  emulatorUrl?: string
}

/** What an authorize request needs. */
export interface AuthorizeRequest {
  /** The Dropbox app key (client id). */
  appKey: string
  /** Where Dropbox sends the user back; must be registered in the app console. */
  redirectUri: string
  /** Random value echoed back in the redirect, checked against forgery. */
  state: string
  /** Scopes to ask for. Default {@link DEFAULT_SCOPES}. */
  scopes?: readonly string[]
  /** Authorize page to use instead of Dropbox's (e.g. the emulator's `<url>/oauth2/authorize`). */
  authorizeBaseUrl?: string
}

/** A random URL-safe string of `bytes` random bytes. */
export function randomToken(bytes = 24): string {
  const raw = globalThis.crypto.getRandomValues(new Uint8Array(bytes))
  return btoa(String.fromCharCode(...raw))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
}

/**
 * The authorize URL (offline access, PKCE S256) and the code verifier to
 * keep until the redirect comes back. Parameters are URL-encoded, unlike the
 * SDK's own URL, so redirect URIs with a query survive.
 */
export async function buildAuthorizeUrl(
  request: AuthorizeRequest,
): Promise<{ url: string; codeVerifier: string }> {
  const auth = new DropboxAuth({ clientId: request.appKey })
  const sdkUrl = await auth.getAuthenticationUrl(
    request.redirectUri,
    request.state,
    'code',
    'offline',
    [],
    'none',
    true,
  )
  const challenge = /[?&]code_challenge=([A-Za-z0-9_-]+)/.exec(sdkUrl)?.[1]
  const codeVerifier = auth.getCodeVerifier()
  if (!challenge || !codeVerifier) throw new Error('the Dropbox SDK did not produce a PKCE challenge')
  const params = new URLSearchParams({
    client_id: request.appKey,
    response_type: 'code',
    redirect_uri: request.redirectUri,
    state: request.state,
    token_access_type: 'offline',
    scope: (request.scopes ?? DEFAULT_SCOPES).join(' '),
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })
  return { url: `${request.authorizeBaseUrl ?? DROPBOX_AUTHORIZE_URL}?${params}`, codeVerifier }
}

/** Exchanges an authorization code for tokens (once: codes are single-use, so no retry). */
export async function exchangeCode(
  args: { appKey: string; code: string; codeVerifier: string; redirectUri: string } & ExchangeTarget,
): Promise<DropboxTokens> {
  const auth = new DropboxAuth({ clientId: args.appKey, fetch: dropboxFetch(args) })
  auth.setCodeVerifier(args.codeVerifier)
  const secrets = [args.code, args.codeVerifier]
  let result: Record<string, unknown>
  try {
    result = (
      await auth.getAccessTokenFromCode(encodeURIComponent(args.redirectUri), encodeURIComponent(args.code))
    ).result as Record<string, unknown>
  } catch (error) {
    if (isResponseError(error) && error.status < 500 && error.status !== 429) {
      const tags = responseTags(error)
      throw new AuthError(
        `Dropbox did not accept the link (${tags.join('/') || `HTTP ${error.status}`}); start linking again`,
        { cause: safeCause(error, secrets) },
      )
    }
    if (isResponseError(error) || isNetworkError(error)) {
      throw new TransientError(
        'could not reach Dropbox to finish linking; check the connection and link again',
        {
          cause: safeCause(error, secrets),
        },
      )
    }
    throw error
  }
  if (typeof result?.access_token !== 'string') {
    throw new TransientError('Dropbox sent no access token while linking; link again')
  }
  const expiresIn = typeof result.expires_in === 'number' ? result.expires_in : undefined
  return {
    accessToken: result.access_token,
    ...(typeof result.refresh_token === 'string' ? { refreshToken: result.refresh_token } : {}),
    ...(expiresIn !== undefined ? { accessTokenExpiresAt: Date.now() + expiresIn * 1000 } : {}),
    ...(typeof result.account_id === 'string' ? { accountId: result.account_id } : {}),
    ...(typeof result.scope === 'string' ? { scope: result.scope } : {}),
  }
}
