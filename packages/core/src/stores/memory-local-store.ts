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
    const copies = copyBatch(batch)
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

/** Values up to this size are copied into shared slabs. */
const SLAB_VALUE_MAX = 4096
/** Size of a shared slab: the most one kept value can hold in memory beyond its own bytes. */
const SLAB_SIZE = 64 * 1024

/**
 * Copies the values of a batch. Small values are copied side by side into
 * shared slabs rather than each into a buffer of its own: a bootstrap writes
 * a hundred thousand documents in one batch, and a buffer each made copying
 * and collecting them grow faster than their number. The store never hands
 * out these views (reads copy out), so sharing a slab is invisible.
 */
function copyBatch(batch: LocalWrite[]): LocalWrite[] {
  // Small bytes still to copy: a slab is no larger than what is left, so a value written alone
  // is held in about its own size, not in a slab it would keep alive on its own.
  let left = 0
  for (const [, value] of batch) if (value && value.length <= SLAB_VALUE_MAX) left += value.length
  let slab = new Uint8Array(0)
  let at = 0
  return batch.map(([key, value]): LocalWrite => {
    if (value === undefined) return [key, undefined]
    if (value.length > SLAB_VALUE_MAX) return [key, value.slice()]
    if (at + value.length > slab.length) {
      slab = new Uint8Array(Math.min(SLAB_SIZE, left))
      at = 0
    }
    const copy = slab.subarray(at, at + value.length)
    copy.set(value)
    at += value.length
    left -= value.length
    return [key, copy]
  })
}
