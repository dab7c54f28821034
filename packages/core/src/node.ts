/**
 * @packageDocumentation
 * Node-only stores of y-dropbox core (they use `node:fs`): a folder as a
 * shared `BlobStore`, usable by several processes on one machine.
 */
export { FsBlobStore, type FsBlobStoreOptions } from './stores/fs-blob-store.ts'
