/**
 * The cross-tab half of `IdbLocalStore.claim`: one engine per IndexedDB
 * database across every tab of a browser profile. With the Web Locks API the
 * lock is the browser's own and ends with the tab that holds it, crashed or
 * not. Without it (older runtimes, Node with an IndexedDB polyfill) a lease
 * record in the database does the same: renewed while held, free once it has
 * not been renewed for `LEASE_MS`, so a crashed holder blocks others for a
 * few seconds only.
 */
import { promisifyRequest } from 'idb-keyval'
import { storeInUse } from './claim.ts'

/** The object store holding the lease record. */
export const LEASE_STORE = 'lease'
const LEASE_KEY = 'holder'
/** A lease not renewed for this long is free. */
const LEASE_MS = 10_000
/** How often a held lease is renewed. */
const RENEW_MS = 3_000

/** Frees a cross-tab claim. */
export type ReleaseClaim = () => Promise<void>

/** Takes the Web Lock named after the database, or throws `StoreInUseError` when another tab holds it. */
export function holdWebLock(locks: LockManager, dbName: string, what: string): Promise<ReleaseClaim> {
  return new Promise((resolve, reject) => {
    locks
      .request(`y-dropbox-store:${dbName}`, { ifAvailable: true }, (lock) => {
        if (!lock) {
          reject(storeInUse(what, 'another tab or window of this app'))
          return undefined
        }
        // The lock is held until this promise settles.
        return new Promise<void>((free) => resolve(async () => free()))
      })
      .catch(reject)
  })
}

/**
 * Takes the lease record of `db`, or throws `StoreInUseError` while another
 * holder renews it. `onLost` runs if another holder takes the lease over
 * (this tab was frozen past the lease): the store must stop writing then.
 */
export async function holdLease(db: IDBDatabase, what: string, onLost: () => void): Promise<ReleaseClaim> {
  const owner = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
  const take = (mustOwn: boolean) =>
    inLeaseStore(db, 'readwrite', async (store) => {
      const lease = (await promisifyRequest(store.get(LEASE_KEY))) as Lease | undefined
      const mine = lease?.owner === owner
      if (mustOwn && !mine) return false
      if (!mine && lease && lease.expiresAt > Date.now()) return false
      store.put({ owner, expiresAt: Date.now() + LEASE_MS } satisfies Lease, LEASE_KEY)
      return true
    })
  if (!(await take(false))) throw storeInUse(what, 'another tab, window or process of this app')
  let stopped = false
  const timer = setInterval(() => {
    take(true)
      .then((kept) => {
        if (!kept && !stopped) {
          stopped = true
          clearInterval(timer)
          onLost()
        }
      })
      // A failed renewal is retried at the next tick; the lease outlives a few of them.
      .catch(() => {})
  }, RENEW_MS)
  ;(timer as { unref?: () => void }).unref?.()
  return async () => {
    if (stopped) return
    stopped = true
    clearInterval(timer)
    await inLeaseStore(db, 'readwrite', async (store) => {
      const lease = (await promisifyRequest(store.get(LEASE_KEY))) as Lease | undefined
      if (lease?.owner === owner) store.delete(LEASE_KEY)
    })
  }
}

interface Lease {
  owner: string
  expiresAt: number
}

async function inLeaseStore<T>(
  db: IDBDatabase,
  mode: IDBTransactionMode,
  body: (store: IDBObjectStore) => Promise<T>,
): Promise<T> {
  const tx = db.transaction(LEASE_STORE, mode)
  const result = await body(tx.objectStore(LEASE_STORE))
  await promisifyRequest(tx)
  return result
}
