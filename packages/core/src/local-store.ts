/**
 * The local port: this device's durable key-value store (IndexedDB, files,
 * memory). Keys are strings, values bytes. The engine keeps everything it must
 * not lose here: device identity, unsent batches, merged documents.
 */

/** A key and its new value; `undefined` deletes the key. */
export type LocalWrite = [key: string, value: Uint8Array | undefined]

/** A store reserved for one engine; see {@link LocalStore.claim}. */
export interface LocalStoreClaim {
  /** Gives the store back, so another engine may claim it. */
  release(): Promise<void>
}

/** This device's durable key-value store. */
export interface LocalStore {
  /** Reads a value, or `undefined` when the key is absent. */
  get(key: string): Promise<Uint8Array | undefined>
  /** Returns the keys in `[prefix, prefix + '\uffff')`, sorted by code unit. */
  keys(prefix: string): Promise<string[]>
  /**
   * Applies every write of the batch, all or nothing: after a crash either the
   * whole batch is stored or none of it. Resolves once it is durable.
   */
  write(batch: LocalWrite[]): Promise<void>
  /**
   * Bytes (keys and values) past which one write costs this store more than
   * several smaller ones. Where a batch does not need to be atomic as a whole,
   * the engine then writes its parts in turn, each under this size. Optional:
   * without it, every batch is one write.
   */
  readonly maxWriteBytes?: number
  /** Releases the store; later calls reject. */
  close(): Promise<void>
  /**
   * Reserves the store for one engine until the claim is released, or the tab
   * or process holding it ends. Rejects with `StoreInUseError` while another
   * engine holds it: another tab, another process, or a second engine in this
   * one (two engines on one store would overwrite each other's unsent
   * changes). Optional: without it, the app must open one engine per store.
   */
  claim?(): Promise<LocalStoreClaim>
}
