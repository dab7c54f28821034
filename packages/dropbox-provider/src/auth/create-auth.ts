/**
 * A `DropboxAuth` ready for the store: tokens from a `TokenStore` or given
 * directly, refreshes single-flight and saved back to the store.
 */

import { AuthError } from '@y-dropbox/core'
import { DropboxAuth } from 'dropbox'
import { dropboxFetch } from '../dropbox-fetch.ts'
import { NOT_LINKED_MESSAGE } from './messages.ts'
import { tokenRefresherFor } from './token-refresher.ts'
import type { DropboxTokens, TokenStore } from './token-store.ts'

/** Options of {@link createDropboxAuth}. */
export interface CreateDropboxAuthOptions {
  /** The Dropbox app key (client id). */
  appKey: string
  /** Where tokens are loaded from and refreshed tokens saved to. */
  tokenStore?: TokenStore
  /** A refresh token to use (overrides the store's). */
  refreshToken?: string
  /** An access token to use (overrides the store's); without a refresh token it cannot be renewed. */
  accessToken?: string
  /** Base URL of a y-dropbox emulator to talk to instead of Dropbox. */
  emulatorUrl?: string
  /** The fetch to use. Default: the global one. */
  fetch?: typeof fetch
  /** Sent as `X-Emulator-Client` on every request; only with `emulatorUrl`. */
  clientTag?: string
  /** Told when saving refreshed tokens fails (the refresh itself still counts). */
  onError?: (error: unknown) => void
}

/**
 * Builds the auth object. Throws `AuthError` when there is neither a refresh
 * token nor an access token (Dropbox is not linked on this device).
 */
export async function createDropboxAuth(options: CreateDropboxAuthOptions): Promise<DropboxAuth> {
  const stored = (await options.tokenStore?.load()) ?? {}
  const tokens: DropboxTokens = { ...stored }
  if (options.refreshToken) tokens.refreshToken = options.refreshToken
  if (options.accessToken) {
    tokens.accessToken = options.accessToken
    delete tokens.accessTokenExpiresAt
  }
  if (!tokens.accessToken && !tokens.refreshToken) throw new AuthError(NOT_LINKED_MESSAGE)
  const auth = new DropboxAuth({
    clientId: options.appKey,
    fetch: dropboxFetch({
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.emulatorUrl ? { emulatorUrl: options.emulatorUrl } : {}),
      ...(options.emulatorUrl && options.clientTag ? { clientTag: options.clientTag } : {}),
    }),
    ...(tokens.accessToken ? { accessToken: tokens.accessToken } : {}),
    ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
    // A token given without its expiry is assumed fresh; a 401 `expired_access_token` still triggers a refresh.
    ...(tokens.accessToken
      ? { accessTokenExpiresAt: new Date(tokens.accessTokenExpiresAt ?? Date.now() + 3_600_000) }
      : {}),
  })
  const refresher = tokenRefresherFor(auth)
  const { tokenStore } = options
  if (tokenStore) {
    refresher.onRefresh(async (fresh) => {
      const current = (await tokenStore.load()) ?? {}
      await tokenStore.save({ ...current, ...stripUndefined(fresh) })
    })
  }
  if (options.onError) refresher.onListenerError = options.onError
  return auth
}

function stripUndefined(tokens: DropboxTokens): DropboxTokens {
  return Object.fromEntries(
    Object.entries(tokens).filter(([, value]) => value !== undefined),
  ) as DropboxTokens
}
