/**
 * A `LocalStore` in IndexedDB (browsers), through `idb-keyval`. Each store
 * owns a database with one object store, `kv`. A batch is written in one
 * readwrite transaction, so it commits all or nothing; `keys(prefix)` reads
 * one key range, never the whole store.
 *
 * The connection is opened by `IdbLocalStore.open()`, not by idb-keyval's
 * lazy `createStore`: opening up front lets a failed open reject where the
 * caller can catch it, lets `close()` close the very connection in use, lets
 * tests pass their own `IDBFactory`, and lets the store notice when another
 * tab deletes or upgrades the database.
 */

import { get, promisifyRequest, type UseStore } from 'idb-keyval'
import { QuotaError, YDropboxError } from '../errors.ts'
import type { LocalStore, LocalStoreClaim, LocalWrite } from '../local-store.ts'
import { ClaimFlag } from './claim.ts'
import { closedError } from './closed.ts'
import { holdLease, holdWebLock, LEASE_STORE } from './idb-claim.ts'

/** Options of `IdbLocalStore.open`. */
export interface IdbLocalStoreOptions {
  /** Name of the database this store owns, e.g. `y-dropbox:diary`. */
  dbName: string
  /** The IndexedDB factory. Default: `globalThis.indexedDB`. */
  indexedDB?: IDBFactory
  /** The key range class matching the factory. Default: `globalThis.IDBKeyRange`. */
  keyRange?: typeof IDBKeyRange
  /**
   * The Web Locks API that keeps a second tab's engine out (see `claim`).
   * Default: `navigator.locks` where it exists; `null` uses a lease record
   * in the database instead.
   */
  locks?: LockManager | null
}

const STORE = 'kv'
const VERSION = 2

/** A `LocalStore` kept in its own IndexedDB database. */
export class IdbLocalStore implements LocalStore {
  /** Name of the database. */
  readonly dbName: string
  /**
   * {@inheritDoc LocalStore.maxWriteBytes}
   *
   * Chromium keeps a transaction's changes in memory up to 1 MiB; past that it
   * writes an undo log holding the old value of every key changed, and the
   * deleted undo logs slow every later start of IndexedDB for this origin
   * until LevelDB compacts them (in a lab, 144-216 ms after a 10,000-entry
   * diary's first push in one transaction, 71-105 ms with it in parts).
   */
  readonly maxWriteBytes = 512 * 1024
  readonly #db: IDBDatabase
  readonly #keyRange: typeof IDBKeyRange
  readonly #useStore: UseStore
  readonly #claims = new ClaimFlag()
  readonly #locks: LockManager | undefined
  #closedBecause: string | undefined

  /**
   * Opens (creating if needed) the database. Rejects with a `YDropboxError`
   * (a `QuotaError` when storage is full) if IndexedDB refuses.
   */
  static async open(options: IdbLocalStoreOptions): Promise<IdbLocalStore> {
    const factory = options.indexedDB ?? globalThis.indexedDB
    const keyRange = options.keyRange ?? globalThis.IDBKeyRange
    if (!factory || !keyRange) {
      throw new YDropboxError('IndexedDB is not available here; use another LocalStore (files or memory)')
    }
    const foreign = () =>
      new YDropboxError(
        `IndexedDB database "${options.dbName}" exists but was not made by y-dropbox (no "${STORE}" store); choose another dbName`,
      )
    let db: IDBDatabase
    let notOurs = false
    try {
      const request = factory.open(options.dbName, VERSION)
      request.onupgradeneeded = (event) => {
        const names = request.result.objectStoreNames
        // Someone else's database is left as it was.
        if (event.oldVersion > 0 && !names.contains(STORE)) {
          notOurs = true
          request.transaction?.abort()
          return
        }
        for (const name of [STORE, LEASE_STORE])
          if (!names.contains(name)) request.result.createObjectStore(name)
      }
      db = await promisifyRequest(request)
    } catch (error) {
      if (notOurs) throw foreign()
      throw storageError(`could not open IndexedDB database "${options.dbName}"`, error)
    }
    if (!db.objectStoreNames.contains(STORE) || !db.objectStoreNames.contains(LEASE_STORE)) {
      db.close()
      throw foreign()
    }
    const locks =
      options.locks === undefined ? (globalThis.navigator?.locks ?? undefined) : (options.locks ?? undefined)
    return new IdbLocalStore(options.dbName, db, keyRange, locks)
  }

  private constructor(
    dbName: string,
    db: IDBDatabase,
    keyRange: typeof IDBKeyRange,
    locks: LockManager | undefined,
  ) {
    this.dbName = dbName
    this.#locks = locks
    this.#db = db
    this.#keyRange = keyRange
    this.#useStore = (mode, callback) =>
      Promise.resolve().then(() => callback(this.#db.transaction(STORE, mode).objectStore(STORE)))
    db.onversionchange = () => {
      db.close()
      this.#closedBecause = 'another tab deleted or upgraded its database'
    }
    db.onclose = () => {
      this.#closedBecause ??= 'the browser closed its database (storage cleared?)'
    }
  }

  /** {@inheritDoc LocalStore.get} */
  async get(key: string): Promise<Uint8Array | undefined> {
    this.#check('get')
    return this.#run('read', () => get<Uint8Array>(key, this.#useStore))
  }

  /** {@inheritDoc LocalStore.keys} */
  async keys(prefix: string): Promise<string[]> {
    this.#check('keys')
    const range = this.#keyRange.bound(prefix, `${prefix}\uffff`, false, true)
    return this.#run('list keys', () =>
      this.#useStore('readonly', (store) => promisifyRequest(store.getAllKeys(range)) as Promise<string[]>),
    )
  }

  /** {@inheritDoc LocalStore.write} */
  async write(batch: LocalWrite[]): Promise<void> {
    this.#check('write')
    if (batch.length === 0) return
    await this.#run('write', () =>
      this.#useStore('readwrite', (store) => {
        try {
          for (const [key, value] of batch) {
            if (value === undefined) store.delete(key)
            else store.put(compact(value), key)
          }
        } catch (error) {
          // Without the abort, the puts issued before the failure would commit.
          store.transaction.abort()
          throw error
        }
        return promisifyRequest(store.transaction)
      }),
    )
  }

  /**
   * Reserves the store for one engine until the claim is released, or the tab
   * holding it ends: across tabs through the Web Locks API, or a lease record
   * where that API is missing. Rejects with `StoreInUseError` while another
   * engine holds it.
   */
  async claim(): Promise<LocalStoreClaim> {
    this.#check('claim')
    const what = `IndexedDB store "${this.dbName}"`
    const local = this.#claims.take(what)
    try {
      const release = this.#locks
        ? await holdWebLock(this.#locks, this.dbName, what)
        : await holdLease(this.#db, what, () => {
            this.#closedBecause = 'another tab took it over while this one was not answering'
          })
      return {
        release: async () => {
          await release()
          await local.release()
        },
      }
    } catch (error) {
      await local.release()
      throw error
    }
  }

  /** Closes the connection once pending transactions finish; later calls reject. */
  async close(): Promise<void> {
    if (this.#closedBecause === undefined) {
      this.#closedBecause = 'it was closed'
      this.#db.close()
    }
  }

  #check(method: string): void {
    if (this.#closedBecause === 'it was closed') throw closedError('IdbLocalStore', method)
    if (this.#closedBecause !== undefined) {
      throw new YDropboxError(
        `IndexedDB store "${this.dbName}" cannot ${method}: ${this.#closedBecause}; open it again`,
      )
    }
  }

  async #run<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation()
    } catch (error) {
      throw storageError(`IndexedDB store "${this.dbName}" could not ${what}`, error)
    }
  }
}

/** A copy holding just the viewed bytes, so a view into a larger buffer does not store the whole buffer. */
function compact(value: Uint8Array): Uint8Array {
  return value.byteOffset === 0 && value.byteLength === value.buffer.byteLength ? value : value.slice()
}

/** Wraps an IndexedDB failure in a typed error that says what failed. */
function storageError(message: string, error: unknown): YDropboxError {
  const name = error instanceof Error || error instanceof DOMException ? error.name : ''
  const detail = error instanceof Error || error instanceof DOMException ? `: ${error.message}` : ''
  if (name === 'QuotaExceededError') {
    return new QuotaError(`${message}: the device is out of storage space; free some and retry`, {
      cause: error,
    })
  }
  return new YDropboxError(`${message} (${name || 'unknown error'}${detail})`, { cause: error })
}
