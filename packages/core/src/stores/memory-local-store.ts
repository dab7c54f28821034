/**
 * An in-memory `LocalStore` for tests and demos. Values are copied in and out,
 * so callers can never change stored bytes behind the store's back. `reopen()`
 * simulates restarting the app on the same "disk".
 */

import type { LocalStore, LocalStoreClaim, LocalWrite } from '../local-store.ts'
import { ClaimFlag } from './claim.ts'
import { closedError } from './closed.ts'

/** Options of a `MemoryLocalStore`. */
export interface MemoryLocalStoreOptions {
  /** Initial contents, copied in. */
  entries?: Iterable<[string, Uint8Array]>
}

/** A `LocalStore` kept in a `Map`; every write is atomic (it happens in one synchronous step). */
export class MemoryLocalStore implements LocalStore {
  #data: Map<string, Uint8Array>
  #closed = false
  readonly #claims = new ClaimFlag()

  constructor(options: MemoryLocalStoreOptions = {}) {
    this.#data = new Map()
    for (const [key, value] of options.entries ?? []) this.#data.set(key, value.slice())
  }

  /** Number of keys stored. */
  get size(): number {
    return this.#data.size
  }

  /** {@inheritDoc LocalStore.get} */
  async get(key: string): Promise<Uint8Array | undefined> {
    this.#check('get')
    return this.#data.get(key)?.slice()
  }

  /** {@inheritDoc LocalStore.keys} */
  async keys(prefix: string): Promise<string[]> {
    this.#check('keys')
    const end = `${prefix}\uffff`
    const out: string[] = []
    for (const key of this.#data.keys()) if (key >= prefix && key < end) out.push(key)
    return out.sort()
  }

  /** {@inheritDoc LocalStore.write} */
  async write(batch: LocalWrite[]): Promise<void> {
    this.#check('write')
    const copies = batch.map(([key, value]): LocalWrite => [key, value?.slice()])
    for (const [key, value] of copies) {
      if (value === undefined) this.#data.delete(key)
      else this.#data.set(key, value)
    }
  }

  /** {@inheritDoc LocalStore.claim} */
  async claim(): Promise<LocalStoreClaim> {
    this.#check('claim')
    return this.#claims.take('this MemoryLocalStore')
  }

  /** {@inheritDoc LocalStore.close} */
  async close(): Promise<void> {
    this.#closed = true
  }

  /**
   * A new open store over the same data, as if the app restarted on the same
   * disk: what was written before survives, and both stores see each other's
   * writes. This store stays closed if it was.
   */
  reopen(): MemoryLocalStore {
    const next = new MemoryLocalStore()
    next.#data = this.#data
    return next
  }

  #check(method: string): void {
    if (this.#closed) throw closedError('MemoryLocalStore', method)
  }
}
