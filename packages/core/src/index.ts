/**
 * @packageDocumentation
 * y-dropbox core: keeps a collection of Yjs documents in sync across devices
 * through any {@link BlobStore}, persisting each device's state in a
 * {@link LocalStore}.
 */

export type { BlobMeta, BlobStore, PutMode } from './blob-store.ts'
export { contentHash, toHex } from './content-hash.ts'
export * from './errors.ts'
export type { LocalStore, LocalWrite } from './local-store.ts'
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
