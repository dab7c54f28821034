/** Unlinking: revoke the token at Dropbox and forget it on this device. */

import { AuthError, TransientError } from '@y-dropbox/core'
import { Dropbox, type DropboxAuth } from 'dropbox'
import { isNetworkError, isResponseError, responseTags } from '../dropbox-errors.ts'
import { safeCause } from '../redact.ts'
import { tokenRefresherFor } from './token-refresher.ts'
import type { TokenStore } from './token-store.ts'

/** Options of {@link unlink}. */
export interface UnlinkOptions {
  /** The auth whose grant is revoked (e.g. `store.auth`). */
  auth: DropboxAuth
  /** The store to clear. */
  tokenStore?: TokenStore
  /** The fetch to use. Default: the auth's. */
  fetch?: typeof fetch
}

/**
 * Revokes the link (`auth/token/revoke`, which also disables the refresh
 * token) and clears the token store. A grant Dropbox already rejects counts as
 * revoked. The store is cleared even when Dropbox cannot be reached; that
 * failure is then thrown as `TransientError`, so the app can tell the user to
 * remove the app under Connected apps in the Dropbox settings.
 */
export async function unlink(options: UnlinkOptions): Promise<void> {
  const { auth } = options
  const secrets = [auth.getAccessToken(), auth.getRefreshToken()]
  let failure: unknown
  try {
    await revoke(auth, options.fetch)
  } catch (error) {
    const alreadyInvalid =
      error instanceof AuthError || (isResponseError(error) && (error.status === 400 || error.status === 401))
    if (!alreadyInvalid) failure = error
  }
  await options.tokenStore?.clear()
  auth.setAccessToken('')
  auth.setRefreshToken('')
  if (failure === undefined) return
  if (isResponseError(failure) || isNetworkError(failure) || failure instanceof TransientError) {
    throw new TransientError(
      'could not reach Dropbox to revoke access; it was removed from this device, and can also be removed under Connected apps in the Dropbox settings',
      { cause: safeCause(failure, secrets) },
    )
  }
  throw failure
}

async function revoke(auth: DropboxAuth, fetch: typeof globalThis.fetch | undefined): Promise<void> {
  const client = new Dropbox({ auth, ...(fetch ? { fetch } : {}) })
  try {
    await client.authTokenRevoke()
  } catch (error) {
    if (isResponseError(error) && error.status === 401 && responseTags(error)[0] === 'expired_access_token') {
      await tokenRefresherFor(auth).refresh()
      await client.authTokenRevoke()
      return
    }
    throw error
  }
}
