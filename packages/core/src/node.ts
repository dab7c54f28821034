/**
 * @packageDocumentation
 * Node-only stores of y-dropbox core (they use `node:fs`): a folder as a
 * shared `BlobStore` usable by several processes on one machine, and a
 * crash-safe `LocalStore` in a log file.
 *
 * @module @y-dropbox/core/node
 */
export { FsBlobStore, type FsBlobStoreOptions } from './stores/fs-blob-store.ts'
export { FsLocalStore, type FsLocalStoreOptions, type FsLocalStoreRecovery } from './stores/fs-local-store.ts'
export { ReadOnlyFolderStore, type ReadOnlyFolderStoreOptions } from './stores/read-only-folder-store.ts'
