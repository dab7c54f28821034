/**
 * A `BlobStore` that exists before Dropbox is linked: each call goes to the store of the current
 * link, built on first use, and fails with an `AuthError` ("link Dropbox first") while there is
 * none. So the engine can be opened at start-up, whatever the link.
 */
import type { BlobFile, BlobListing, BlobMeta, BlobStore, PutMode } from '@y-dropbox/core'

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
  async get(path: string): Promise<BlobFile | undefined> {
    return (await this.current()).get(path)
  }

  /** {@inheritDoc BlobStore.list} */
  async list(prefix: string, cursor?: string): Promise<BlobListing> {
    return (await this.current()).list(prefix, cursor)
  }

  /** {@inheritDoc BlobStore.putMany} One `put` per file when the current store has no batch write. */
  async putMany(
    files: ReadonlyArray<{ path: string; data: Uint8Array; mode: PutMode }>,
  ): Promise<BlobMeta[]> {
    const store = await this.current()
    if (store.putMany) return store.putMany(files)
    const out: BlobMeta[] = []
    for (const file of files) out.push(await store.put(file.path, file.data, file.mode))
    return out
  }

  /** {@inheritDoc BlobStore.getFolder} One `get` per file when the current store has no folder read. */
  async getFolder(folder: string, files: readonly BlobMeta[]): Promise<Array<BlobFile | undefined>> {
    const store = await this.current()
    if (store.getFolder) return store.getFolder(folder, files)
    return Promise.all(files.map((meta) => store.get(meta.path)))
  }

  /** {@inheritDoc BlobStore.delete} */
  async delete(paths: string[]): Promise<void> {
    return (await this.current()).delete(paths)
  }

  /** {@inheritDoc BlobStore.watch} Rejects when the current store cannot watch: the engine then polls. */
  async watch(cursor: string, signal: AbortSignal): Promise<boolean> {
    const store = await this.current()
    if (!store.watch) throw new Error('this store cannot watch for changes; polling instead')
    return store.watch(cursor, signal)
  }
}
