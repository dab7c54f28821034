/**
 * A device holding the whole diary in its LocalStore, for the memory and
 * cold-start scenarios: written once through the engine (over a MemoryCloud,
 * activated and synced, summaries included), then copied key by key into an
 * FsLocalStore folder and an IdbLocalStore database (fake-indexeddb).
 */
import { join } from 'node:path'
import { IdbLocalStore, type LocalStore, MemoryCloud, MemoryLocalStore, SyncEngine } from '@y-dropbox/core'
import { FsLocalStore } from '@y-dropbox/core/node'
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { type Diary, summarizeEntry, WRITE_BATCH, writeThrough } from './data.ts'
import { folderBytes } from './measure.ts'
import type { BenchContext } from './types.ts'

/** Where the device's stores are. */
export interface LocalDevice {
  diary: Diary
  cloud: MemoryCloud
  root: string
  fsDir: string
  /** Bytes of the FsLocalStore folder. */
  fsBytes: number
  /** The IndexedDB copy (fake-indexeddb); absent when the device was built without one. */
  idbFactory?: IDBFactory
  idbName: string
  /** Keys in the store. */
  keys: number
}

/** Writes the diary into a device and copies its store to the file system and (unless `idb` is false) to IndexedDB. */
export async function buildLocalDevice(
  ctx: BenchContext,
  options: { idb?: boolean } = {},
): Promise<LocalDevice> {
  const diary = ctx.diary()
  const cloud = new MemoryCloud()
  const root = '/bench-local'
  const memory = new MemoryLocalStore()
  const engine = await SyncEngine.open({
    remote: cloud.connect(),
    local: memory,
    root,
    autoSync: false,
    summarize: summarizeEntry,
    onError: () => {},
  })
  ctx.progress.phase('Writing a local device', Math.ceil(diary.entries.length / WRITE_BATCH) + 2)
  await engine.activate()
  await writeThrough(engine, diary.entries, () => ctx.progress.tick())
  await engine.syncNow()
  await engine.close()
  const keys = await memory.keys('')
  const batch: Array<[string, Uint8Array]> = []
  for (const key of keys) batch.push([key, (await memory.get(key))!])

  const fsDir = join(ctx.tmp, 'local-fs')
  const fs = await FsLocalStore.open({ dir: fsDir })
  await fs.write(batch)
  await fs.close()
  ctx.progress.tick()
  const idbName = 'bench-local'
  let idbFactory: IDBFactory | undefined
  if (options.idb !== false) {
    idbFactory = new IDBFactory()
    const idb = await openIdb({ idbFactory, idbName })
    await idb.write(batch)
    await idb.close()
  }
  ctx.progress.tick()
  return {
    diary,
    cloud,
    root,
    fsDir,
    fsBytes: await folderBytes(fsDir),
    ...(idbFactory ? { idbFactory } : {}),
    idbName,
    keys: keys.length,
  }
}

/** Opens the device's IndexedDB store. */
export function openIdb(device: Pick<LocalDevice, 'idbFactory' | 'idbName'>): Promise<IdbLocalStore> {
  if (!device.idbFactory) throw new Error('this bench device was built without its IndexedDB copy')
  return IdbLocalStore.open({ dbName: device.idbName, indexedDB: device.idbFactory, keyRange: IDBKeyRange })
}

/** Opens the device's file-system store. */
export function openFs(device: Pick<LocalDevice, 'fsDir'>): Promise<FsLocalStore> {
  return FsLocalStore.open({ dir: device.fsDir })
}

/** Opens an engine of the device on `local` (no background sync). */
export function openEngine(
  device: Pick<LocalDevice, 'cloud' | 'root'>,
  local: LocalStore,
): Promise<SyncEngine> {
  return SyncEngine.open({
    remote: device.cloud.connect(),
    local,
    root: device.root,
    autoSync: false,
    summarize: summarizeEntry,
    onError: () => {},
  })
}
