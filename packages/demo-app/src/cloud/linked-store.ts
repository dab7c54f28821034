/**
 * A `BlobStore` that exists before Dropbox is linked: each call goes to the store of the current
 * link, built on first use, and fails with an `AuthError` ("link Dropbox first") while there is
 * none. So the engine can be opened at start-up, whatever the link.
 */
import type { BlobMeta, BlobStore, PutMode } from '@y-dropbox/core'

/** Delegates every call to the store `current()` resolves to. */
export class LinkedStore implements BlobStore {
  /** The service the user knows, for the engine's sentences ("No connection to Dropbox"). */
  readonly serviceName = 'Dropbox'

  constructor(
    /** The store of the current link; rejects with `AuthError` when not linked. */
    private readonly current: () => Promise<BlobStore>,
  ) {}

  /** {@inheritDoc BlobStore.put} */
  async put(path: string, data: Uint8Array, mode: PutMode): Promise<BlobMeta> {
    return (await this.current()).put(path, data, mode)
  }

  /** {@inheritDoc BlobStore.get} */
  async get(path: string): Promise<{ data: Uint8Array; meta: BlobMeta } | undefined> {
    return (await this.current()).get(path)
  }

  /** {@inheritDoc BlobStore.list} */
  async list(prefix: string, cursor?: string): Promise<{ entries: BlobMeta[]; cursor: string }> {
    return (await this.current()).list(prefix, cursor)
  }

  /** {@inheritDoc BlobStore.delete} */
  async delete(paths: string[]): Promise<void> {
    return (await this.current()).delete(paths)
  }

  /** {@inheritDoc BlobStore.watch} Resolves `false` at once when the current store cannot watch. */
  async watch(cursor: string, signal: AbortSignal): Promise<boolean> {
    const store = await this.current()
    if (!store.watch) throw new Error('this store cannot watch for changes; polling instead')
    return store.watch(cursor, signal)
  }
}
