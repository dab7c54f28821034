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
