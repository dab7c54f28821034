/**
 * A local HTTP server that behaves like the part of the Dropbox API v2 that y-dropbox uses:
 * uploads (single call and sessions), downloads, metadata, deletes, cursor listings and
 * long-poll, OAuth 2 with PKCE and expiring tokens, with Dropbox's error shapes, plus fault
 * injection and request counters for tests and benchmarks.
 *
 * @packageDocumentation
 *
 * @module @y-dropbox/dropbox-emulator
 */
export { approveLink } from './approve.ts'
export { CONTENT_HASH_BLOCK_SIZE, dropboxContentHash } from './content-hash.ts'
export type { ActiveFaultRule, FaultController, FaultKind, FaultRule } from './faults.ts'
export { FAULT_KINDS } from './faults.ts'
export { DROPBOX_ORIGINS, type EmulatorFetchOptions, emulatorFetch, rewriteDropboxUrl } from './fetch.ts'
export type { Emulator, EmulatorFile, EmulatorOptions, ZipLimits } from './options.ts'
export { DROPBOX_ZIP_LIMITS } from './routes/zip.ts'
export { startEmulator } from './server.ts'
export type { EmulatorStats, RouteStats } from './stats.ts'
export { DEFAULT_ACCOUNT_ID, type IssuedTokens } from './tokens.ts'
