/** The three-line way to a `DropboxBlobStore`. */

import { createDropboxAuth } from './auth/create-auth.ts'
import type { TokenStore } from './auth/token-store.ts'
import { DropboxBlobStore } from './dropbox-blob-store.ts'
import { dropboxFetch } from './dropbox-fetch.ts'
import type { DropboxBlobStoreOptions } from './options.ts'

/** Options of {@link createDropboxBlobStore}: credentials, target, and any store option. */
export interface CreateDropboxBlobStoreOptions extends Omit<DropboxBlobStoreOptions, 'auth' | 'client'> {
  /** The Dropbox app key (client id). */
  appKey: string
  /** Where tokens are loaded from and refreshed tokens saved to. */
  tokenStore?: TokenStore
  /** A refresh token to use (overrides the store's). */
  refreshToken?: string
  /** An access token to use (overrides the store's). */
  accessToken?: string
  /** Base URL of a y-dropbox emulator to talk to instead of Dropbox; `clientTag` is only sent then. */
  emulatorUrl?: string
  /** Told when saving refreshed tokens fails. */
  onAuthError?: (error: unknown) => void
}

/**
 * Builds the auth (tokens from `tokenStore`, `refreshToken` or `accessToken`)
 * and the store. Throws `AuthError` when there are no tokens at all.
 *
 * @example
 * const store = await createDropboxBlobStore({ appKey, tokenStore: new IdbTokenStore() })
 */
export async function createDropboxBlobStore(
  options: CreateDropboxBlobStoreOptions,
): Promise<DropboxBlobStore> {
  const {
    appKey,
    tokenStore,
    refreshToken,
    accessToken,
    emulatorUrl,
    onAuthError,
    fetch,
    clientTag,
    ...rest
  } = options
  const tag = emulatorUrl ? clientTag : undefined
  const target = {
    ...(fetch ? { fetch } : {}),
    ...(emulatorUrl ? { emulatorUrl } : {}),
    ...(tag ? { clientTag: tag } : {}),
  }
  const auth = await createDropboxAuth({
    appKey,
    ...target,
    ...(tokenStore ? { tokenStore } : {}),
    ...(refreshToken ? { refreshToken } : {}),
    ...(accessToken ? { accessToken } : {}),
    ...(onAuthError ? { onError: onAuthError } : {}),
  })
  return new DropboxBlobStore({
    ...rest,
    auth,
    fetch: dropboxFetch(target),
    ...(tag ? { clientTag: tag } : {}),
  })
}
