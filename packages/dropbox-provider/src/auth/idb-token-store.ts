/** Tokens in IndexedDB (browsers), in a database of their own. */

import { createStore, del, get, set, type UseStore } from 'idb-keyval'
import type { DropboxTokens, TokenStore } from './token-store.ts'

/** Options of {@link IdbTokenStore}. */
export interface IdbTokenStoreOptions {
  /** Database name. Default `y-dropbox-auth`. */
  dbName?: string
  /** Object store name. Default `tokens`. */
  storeName?: string
  /** Key of this link's tokens (one per app key or account). Default `dropbox`. */
  key?: string
}

/** A `TokenStore` in IndexedDB via idb-keyval. The database is opened on first use. */
export class IdbTokenStore implements TokenStore {
  readonly #dbName: string
  readonly #storeName: string
  readonly #key: string
  #store: UseStore | undefined

  /** @param options - see {@link IdbTokenStoreOptions} */
  constructor(options: IdbTokenStoreOptions = {}) {
    this.#dbName = options.dbName ?? 'y-dropbox-auth'
    this.#storeName = options.storeName ?? 'tokens'
    this.#key = options.key ?? 'dropbox'
  }

  /** {@inheritDoc TokenStore.load} */
  async load(): Promise<DropboxTokens | undefined> {
    const value = await get<DropboxTokens>(this.#key, this.#use())
    return value ? { ...value } : undefined
  }

  /** {@inheritDoc TokenStore.save} */
  async save(tokens: DropboxTokens): Promise<void> {
    await set(this.#key, { ...tokens }, this.#use())
  }

  /** {@inheritDoc TokenStore.clear} */
  async clear(): Promise<void> {
    await del(this.#key, this.#use())
  }

  #use(): UseStore {
    this.#store ??= createStore(this.#dbName, this.#storeName)
    return this.#store
  }
}
