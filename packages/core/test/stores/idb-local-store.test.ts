import { runLocalStoreContract } from '@y-dropbox/testing'
import { IDBFactory, IDBKeyRange, IDBObjectStore } from 'fake-indexeddb'
import { describe, expect, it, vi } from 'vitest'
import { StoreInUseError, YDropboxError } from '../../src/errors.ts'
import { IdbLocalStore } from '../../src/stores/idb-local-store.ts'

const bytes = (text: string) => new TextEncoder().encode(text)

runLocalStoreContract('IdbLocalStore', async () => {
  const indexedDB = new IDBFactory()
  const open = () => IdbLocalStore.open({ dbName: 'contract', indexedDB, keyRange: IDBKeyRange })
  return { store: await open(), reopen: open }
})

describe('IdbLocalStore', () => {
  it('rejects a failed open where the caller can catch it', async () => {
    const indexedDB = new IDBFactory()
    const newer = indexedDB.open('diary', 5)
    await new Promise((resolve) => {
      newer.onsuccess = resolve
    })
    newer.result.close()
    const error = await IdbLocalStore.open({ dbName: 'diary', indexedDB, keyRange: IDBKeyRange }).catch(
      (e) => e,
    )
    expect(error).toBeInstanceOf(YDropboxError)
    expect(error.message).toMatch(/could not open IndexedDB database "diary" \(VersionError/)
  })

  it('refuses a database of the same name that it did not make', async () => {
    const indexedDB = new IDBFactory()
    const other = indexedDB.open('taken', 1)
    other.onupgradeneeded = () => other.result.createObjectStore('something-else')
    await new Promise((resolve) => {
      other.onsuccess = resolve
    })
    other.result.close()
    await expect(IdbLocalStore.open({ dbName: 'taken', indexedDB, keyRange: IDBKeyRange })).rejects.toThrow(
      /not made by y-dropbox/,
    )
  })

  it('says IndexedDB is missing when there is none', async () => {
    await expect(IdbLocalStore.open({ dbName: 'x' })).rejects.toThrow(/IndexedDB is not available/)
  })

  it('aborts the whole batch when one entry cannot be stored', async () => {
    const store = await IdbLocalStore.open({
      dbName: 'atomic',
      indexedDB: new IDBFactory(),
      keyRange: IDBKeyRange,
    })
    await store.write([['kept', bytes('old')]])
    const invalidKey = undefined as unknown as string
    await expect(
      store.write([
        ['kept', bytes('new')],
        ['a', bytes('a')],
        [invalidKey, bytes('b')],
      ]),
    ).rejects.toThrow(/could not write \(DataError/)
    expect(await store.get('a')).toBeUndefined()
    expect(await store.get('kept')).toEqual(bytes('old'))
    await store.close()
  })

  it('reads keys through one bounded range, not a scan', async () => {
    const store = await IdbLocalStore.open({
      dbName: 'range',
      indexedDB: new IDBFactory(),
      keyRange: IDBKeyRange,
    })
    await store.write([
      ['a/1', bytes('1')],
      ['b/1', bytes('1')],
    ])
    const spy = vi.spyOn(IDBObjectStore.prototype, 'getAllKeys')
    const openCursor = vi.spyOn(IDBObjectStore.prototype, 'openCursor')
    try {
      expect(await store.keys('a/')).toEqual(['a/1'])
      const range = spy.mock.calls[0]?.[0] as IDBKeyRange
      expect([range.lower, range.upper, range.lowerOpen, range.upperOpen]).toEqual([
        'a/',
        'a/\uffff',
        false,
        true,
      ])
      expect(openCursor).not.toHaveBeenCalled()
    } finally {
      spy.mockRestore()
      openCursor.mockRestore()
    }
    await store.close()
  })

  it('stops with a clear error when another tab deletes the database', async () => {
    const indexedDB = new IDBFactory()
    const store = await IdbLocalStore.open({ dbName: 'shared', indexedDB, keyRange: IDBKeyRange })
    await store.write([['k', bytes('v')]])
    const deletion = indexedDB.deleteDatabase('shared')
    await new Promise((resolve, reject) => {
      deletion.onsuccess = resolve
      deletion.onerror = reject
    })
    await expect(store.get('k')).rejects.toThrow(/another tab deleted or upgraded/)
    await store.close()
  })

  it('keeps a second tab out through a lease when there are no Web Locks, and lets it in once released', async () => {
    const indexedDB = new IDBFactory()
    const open = () => IdbLocalStore.open({ dbName: 'tabs', indexedDB, keyRange: IDBKeyRange, locks: null })
    const [tab1, tab2] = [await open(), await open()]
    const claim = await tab1.claim()
    await expect(tab2.claim()).rejects.toBeInstanceOf(StoreInUseError)
    await expect(tab2.claim()).rejects.toThrow(/IndexedDB store "tabs" is already in use by another tab/)
    // The same store object refuses a second claim too.
    await expect(tab1.claim()).rejects.toThrow(/already in use by another engine in this app/)
    await claim.release()
    const second = await tab2.claim()
    await second.release()
    await tab1.close()
    await tab2.close()
  })

  it("takes over the lease of a tab that stopped renewing it (a crashed tab), never a live one's", async () => {
    const indexedDB = new IDBFactory()
    const store = await IdbLocalStore.open({
      dbName: 'crashed',
      indexedDB,
      keyRange: IDBKeyRange,
      locks: null,
    })
    const putLease = (expiresAt: number) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('crashed')
        open.onsuccess = () => {
          const tx = open.result.transaction('lease', 'readwrite')
          tx.objectStore('lease').put({ owner: 'other-tab', expiresAt }, 'holder')
          tx.oncomplete = () => {
            open.result.close()
            resolve(undefined)
          }
          tx.onerror = reject
        }
      })
    await putLease(Date.now() + 60_000)
    await expect(store.claim()).rejects.toBeInstanceOf(StoreInUseError)
    await putLease(Date.now() - 1)
    const claim = await store.claim()
    await claim.release()
    await store.close()
  })

  it('holds a Web Lock named after the database when the API exists', async () => {
    const held = new Set<string>()
    const locks = {
      request: async (
        name: string,
        _options: { ifAvailable: boolean },
        callback: (lock: unknown) => unknown,
      ) => {
        if (held.has(name)) return callback(null)
        held.add(name)
        try {
          return await callback({ name })
        } finally {
          held.delete(name)
        }
      },
    } as unknown as LockManager
    const indexedDB = new IDBFactory()
    const open = () => IdbLocalStore.open({ dbName: 'locked', indexedDB, keyRange: IDBKeyRange, locks })
    const [tab1, tab2] = [await open(), await open()]
    const claim = await tab1.claim()
    expect([...held]).toEqual(['y-dropbox-store:locked'])
    await expect(tab2.claim()).rejects.toBeInstanceOf(StoreInUseError)
    await claim.release()
    await new Promise((r) => setTimeout(r, 0))
    expect(held.size).toBe(0)
    await (await tab2.claim()).release()
    await tab1.close()
    await tab2.close()
  })
})
