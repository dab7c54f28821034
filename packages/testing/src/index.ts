/**
 * @packageDocumentation
 * Conformance suites every store adapter runs (vitest): an adapter passes
 * `setup` and gets the whole suite, so memory, folder, IndexedDB and Dropbox
 * stores all keep the same promises.
 *
 * @module @y-dropbox/testing
 */

export { hideWebPlatform, type WebPlatformFeature } from './bare-runtime.ts'
export {
  type BlobStoreContractContext,
  type BlobStoreContractOptions,
  runBlobStoreContract,
} from './blob-store-contract.ts'
export {
  type LocalStoreContractContext,
  type LocalStoreContractOptions,
  runLocalStoreContract,
} from './local-store-contract.ts'
