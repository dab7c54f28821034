/**
 * The Dropbox link of one device profile: the remote store the engine syncs through, and the
 * browser steps of linking (PKCE redirect) and unlinking. Real Dropbox when an app key is
 * configured, otherwise the local Dropbox emulator.
 */
import type { BlobStore } from '@y-dropbox/core'
import type { RetryInfo } from '@y-dropbox/dropbox-provider'

/**
 * What the user asked for before being sent to Dropbox to approve the link: linking only,
 * activating sync, or activating sync with encryption (the passphrase is never kept across the
 * trip to Dropbox: the user types it again when back).
 */
export type LinkIntent = 'link' | 'activate' | 'activate-encrypted'

/** Reads a stored intent; anything unknown is a plain link. */
export function parseLinkIntent(value: string | null): LinkIntent {
  return value === 'activate' || value === 'activate-encrypted' ? value : 'link'
}

/** The Dropbox link of one device profile. */
export interface CloudLink {
  /** `emulator` or `dropbox`. */
  readonly kind: 'emulator' | 'dropbox'
  /**
   * The remote store the engine syncs through. Works while linked; fails with an `AuthError`
   * saying to link Dropbox otherwise.
   */
  readonly remote: BlobStore
  /** Told before the store waits to retry a failed request (rate limit, network...). */
  onRetry: ((info: RetryInfo) => void) | undefined
  /** True when tokens are stored for this profile. */
  isLinked(): Promise<boolean>
  /** Re-reads the stored tokens (after another tab linked or unlinked). */
  refresh(): Promise<void>
  /** Sends the browser to Dropbox to approve the link; resolves only if navigation fails. */
  beginLink(intent: LinkIntent): Promise<void>
  /**
   * Finishes a link when the page was opened by Dropbox's redirect. Returns the intent the user
   * started with, or `undefined` when the URL is not a redirect. Throws if the code was refused.
   */
  completeLink(url: URL): Promise<LinkIntent | undefined>
  /** Revokes and forgets the tokens of this profile. */
  unlink(): Promise<void>
}
