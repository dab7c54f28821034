/**
 * @packageDocumentation
 * A y-dropbox `BlobStore` backed by Dropbox through the official `dropbox`
 * SDK, with what the SDK lacks: retries with backoff that honour
 * `Retry-After`, single-flight token refresh, local content hashes, complete
 * listings, long-poll watching and batched writes. Plus OAuth helpers: PKCE
 * in the browser, token stores, unlinking. Node-only helpers (file token
 * store, loopback link) are in `@y-dropbox/dropbox-provider/node`.
 *
 * @module @y-dropbox/dropbox-provider
 */

export { DEFAULT_SCOPES, DROPBOX_AUTHORIZE_URL } from './auth/authorize.ts'
export {
  type BeginBrowserLinkOptions,
  beginBrowserLink,
  type CompleteBrowserLinkOptions,
  completeBrowserLink,
  type LinkStorage,
} from './auth/browser-link.ts'
export { type CreateDropboxAuthOptions, createDropboxAuth } from './auth/create-auth.ts'
export { IdbTokenStore, type IdbTokenStoreOptions } from './auth/idb-token-store.ts'
export { NOT_LINKED_MESSAGE, REVOKED_MESSAGE } from './auth/messages.ts'
export { type RefreshListener, type TokenRefresher, tokenRefresherFor } from './auth/token-refresher.ts'
export { type DropboxTokens, MemoryTokenStore, type TokenStore } from './auth/token-store.ts'
export { type UnlinkOptions, unlink } from './auth/unlink.ts'
export { type CreateDropboxBlobStoreOptions, createDropboxBlobStore } from './create-store.ts'
export { DropboxBlobStore } from './dropbox-blob-store.ts'
export { type DropboxFetchOptions, dropboxFetch, toEmulatorUrl } from './dropbox-fetch.ts'
export type { DropboxBlobStoreOptions } from './options.ts'
export type { PutManyFile } from './put-many.ts'
export type { RetryInfo, RetryReason } from './retry.ts'
