/**
 * @packageDocumentation
 * Node-only helpers of the Dropbox provider: a token file and linking
 * through a loopback redirect.
 *
 * @module @y-dropbox/dropbox-provider/node
 */

export { FileTokenStore } from './auth/file-token-store.ts'
export { DEFAULT_LOOPBACK_PORT, type LoopbackLinkOptions, linkWithLoopback } from './auth/loopback-link.ts'
