import { IDBFactory, IDBKeyRange, IDBObjectStore } from 'fake-indexeddb'
import { describe, expect, it, vi } from 'vitest'
import { YDropboxError } from '../../src/errors.ts'
import { IdbLocalStore } from '../../src/stores/idb-local-store.ts'
import { runLocalStoreContract } from '../../src/testing/index.ts'

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
})
