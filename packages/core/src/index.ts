/**
 * @packageDocumentation
 * y-dropbox core: keeps a collection of Yjs documents in sync across devices
 * through any {@link BlobStore}, persisting each device's state in a
 * {@link LocalStore}.
 *
 * @module @y-dropbox/core
 */

export type { BlobFile, BlobListing, BlobMeta, BlobStore, PutMode } from './blob-store.ts'
export { contentHash, toHex } from './content-hash.ts'
export { type EncryptionParams, KDF_ITERATIONS } from './crypto/passphrase.ts'
export type { BackupEntry, BackupInfo } from './engine/backups.ts'
export { DocCollection, type DocInfo } from './engine/collection.ts'
export type { DocsEvent, SyncEngineEvents } from './engine/events.ts'
export type { PoolDevice } from './engine/maintenance.ts'
export { MIN_GC_GRACE_MS, type SyncEngineOptions } from './engine/options.ts'
export { isDeletedDoc, META_MAP, REMOTE_ORIGIN } from './engine/origins.ts'
export {
  type Chore,
  type ProgressStep,
  type StatusNote,
  type StatusReason,
  type SyncAction,
  type SyncProgress,
  SyncState,
  type SyncStatus,
} from './engine/status.ts'
export { SyncEngine } from './engine/sync-engine.ts'
export {
  changes,
  defaultWords,
  type StatusFacts,
  type SyncWords,
  type SyncWordsOverride,
} from './engine/words.ts'
export * from './errors.ts'
export {
  BLOB_VERSION,
  type BlobContent,
  type BlobEntry,
  type BlobKind,
  decodeBlob,
  encodeBlob,
} from './format/blob.ts'
export type { BlobCipher } from './format/cipher.ts'
export { MAX_DOC_ID_LENGTH, randomId } from './ids.ts'
export { docToJson } from './inspect/doc-json.ts'
export { type PoolDocuments, readPoolDocuments } from './inspect/documents.ts'
export type { MergedView, PoolDocument } from './inspect/merged-view.ts'
export { type OpenedPool, type OpenPoolOptions, openPool, type PoolFiles } from './inspect/open-pool.ts'
export type { PoolProblem, Remedy } from './inspect/problems.ts'
export type { InspectProgress, ReadOptions } from './inspect/reader.ts'
export type { FileCount } from './inspect/reclaim.ts'
export {
  planRepair,
  type RepairAction,
  type RepairOptions,
  type RepairResult,
  repairPool,
} from './inspect/repair.ts'
export {
  type InspectOptions,
  inspectPool,
  type PoolStatus,
  type PoolStatusDevice,
} from './inspect/status.ts'
export { type VerifyReport, verifyPool } from './inspect/verify.ts'
export type { LocalStore, LocalStoreClaim, LocalWrite } from './local-store.ts'
export type { Platform, PlatformSubtle } from './platform.ts'
export { IdbLocalStore, type IdbLocalStoreOptions } from './stores/idb-local-store.ts'
export {
  type BlobStoreMethod,
  type BlobStoreStats,
  MemoryBlobStore,
  type MemoryBlobStoreOptions,
  MemoryCloud,
  type MemoryCloudOptions,
  type MemoryFaults,
  type MemoryFile,
} from './stores/memory-blob-store.ts'
export { MemoryLocalStore, type MemoryLocalStoreOptions } from './stores/memory-local-store.ts'
export { abortReason, isUnder, normalizePath, normalizePrefix } from './stores/paths.ts'
