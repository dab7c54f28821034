/**
 * The local port: this device's durable key-value store (IndexedDB, files,
 * memory). Keys are strings, values bytes. The engine keeps everything it must
 * not lose here: device identity, unsent batches, merged documents.
 */

/** A key and its new value; `undefined` deletes the key. */
export type LocalWrite = [key: string, value: Uint8Array | undefined]

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
  /** Releases the store; later calls reject. */
  close(): Promise<void>
}
