/**
 * `inspectPool`: what a pool is and holds, from the pool alone: its identity
 * and epoch, its devices, its entries, its files by kind, and what compaction
 * and garbage collection would reclaim. Reads the device records, the
 * manifests, the newest snapshot and the batches after it (as a new device
 * would), not every file: `verifyPool` does that.
 */
import type { BlobMeta, BlobStore } from '../blob-store.ts'
import { mergedView } from './merged-view.ts'
import { epochFiles, type OpenPoolOptions, openPool, sizeOf } from './open-pool.ts'
import type { PoolProblem } from './problems.ts'
import { PoolReader, type ReadOptions } from './reader.ts'
import { type FileCount, garbage, uncompactedLogs } from './reclaim.ts'

/** A device of the pool, from its record and its files. */
export interface PoolStatusDevice {
  /** Its id in the pool. */
  deviceId: string
  /** Its name ('' when it has no readable record). */
  name: string
  /** What it runs on, as it says ('' when unknown). */
  platform: string
  /** When it last wrote its record, ms since the epoch (0 when unknown). */
  lastSeen: number
  /** The epoch its record names ('' when unknown). */
  epoch: string
  /** Batches it says it uploaded in that epoch. */
  pushedSeq: number
  /** Its newest batch in the current epoch (listed, or covered by the newest snapshot). */
  lastSeq: number
  /** False when the device has files but no readable record. */
  hasRecord: boolean
}

/** What `inspectPool` reports. */
export interface PoolStatus {
  /** The pool folder. */
  root: string
  /** The pool's id. */
  poolId: string
  /** The current epoch. */
  epoch: string
  /** When the current epoch began. */
  epochAt: number
  /** The device that began the current epoch. */
  epochBy: string
  /** When the pool was created. */
  createdAt: number
  /** The device that created the pool. */
  createdBy: string
  /** Whether the pool is end-to-end encrypted. */
  encrypted: boolean
  /** Counts epoch changes (master uploads). */
  generation: number
  /** Most recently seen first. */
  devices: PoolStatusDevice[]
  /** Entries the pool holds. */
  entries: {
    /** All of them, deleted ones included. */
    total: number
    /** Those carrying the deleted flag. */
    deleted: number
  }
  /** Files and bytes by kind. */
  files: Record<
    'pool' | 'devices' | 'logs' | 'snapshots' | 'shards' | 'oldEpochs' | 'recovered' | 'other',
    FileCount
  >
  /** The snapshot new devices start from. */
  snapshot?: {
    /** The manifest's name. */
    name: string
    /** When it was written. */
    createdAt: number
    /** How many shards it names. */
    shards: number
    /** Their size in bytes. */
    bytes: number
  }
  /** Log batches the next compaction would fold into a snapshot. */
  compaction: FileCount
  /** What garbage collection would delete now, with the grace period given. */
  gc: FileCount & {
    /** The grace period the estimate used. */
    graceMs: number
  }
  /** Problems met on the way (verify finds them all). */
  problems: PoolProblem[]
}

/** Options of {@link inspectPool}. */
export interface InspectOptions extends OpenPoolOptions, ReadOptions {
  /** Grace period of the garbage estimate. Default 7 days, the engine's default. */
  gcGraceMs?: number
  /** The clock. Default `Date.now`. */
  now?: () => number
}

/** Describes the pool at `options.root`. Throws as `openPool` does when it cannot be opened. */
export async function inspectPool(store: BlobStore, options: InspectOptions): Promise<PoolStatus> {
  const opened = await openPool(store, options)
  const reader = new PoolReader(opened, options)
  const { pool, files } = opened
  const current = epochFiles(files, pool.epoch)
  const view = await mergedView(reader, false)
  const devices = [...files.devices]
  reader.phase('Reading device records', devices.length)
  const records = await reader.each(devices, ([id, meta]) => reader.device(id, meta))
  const ids = new Set([...files.devices.keys(), ...current.logs.keys(), ...Object.keys(view.coverage)])
  const byId = new Map(records.filter((r) => r !== undefined).map((r) => [r.deviceId, r]))
  const list: PoolStatusDevice[] = [...ids].map((deviceId) => {
    const record = byId.get(deviceId)
    const lastSeq = Math.max(view.coverage[deviceId] ?? 0, ...(current.logs.get(deviceId)?.keys() ?? []))
    return {
      deviceId,
      name: record?.name ?? '',
      platform: record?.platform ?? '',
      lastSeen: record?.lastSeen ?? 0,
      epoch: record?.epoch ?? '',
      pushedSeq: record?.pushedSeq ?? 0,
      lastSeq,
      hasRecord: record !== undefined,
    }
  })
  list.sort((a, b) => b.lastSeen - a.lastSeen || (a.deviceId < b.deviceId ? -1 : 1))
  const oldEpochs = [...files.epochs].filter(([epoch]) => epoch !== pool.epoch)
  const oldMetas = oldEpochs.flatMap(([, f]) => [
    ...[...f.logs.values()].flatMap((logs) => [...logs.values()]),
    ...f.shards.values(),
    ...f.snapshots.values(),
  ])
  const currentLogs = [...current.logs.values()].flatMap((logs) => [...logs.values()])
  const graceMs = options.gcGraceMs ?? 7 * 24 * 3600 * 1000
  const doomed = garbage(opened, view.manifests, (options.now ?? Date.now)(), graceMs)
  const base = view.base
  return {
    root: opened.layout.root,
    poolId: pool.poolId,
    epoch: pool.epoch,
    epochAt: pool.epochAt,
    epochBy: opened.epochBy,
    createdAt: pool.createdAt,
    createdBy: opened.createdBy,
    encrypted: opened.cipher !== undefined,
    generation: pool.generation ?? 0,
    devices: list,
    entries: { total: view.docs.length, deleted: view.docs.filter((d) => d.deleted).length },
    files: {
      pool: count([opened.poolMeta]),
      devices: count(files.devices.values()),
      logs: count(currentLogs),
      snapshots: count(current.snapshots.values()),
      shards: count(current.shards.values()),
      oldEpochs: count(oldMetas),
      recovered: count(files.recovered),
      other: count(files.other),
    },
    ...(base
      ? {
          snapshot: {
            name: base.name,
            createdAt: base.createdAt,
            shards: base.shards.length,
            bytes: base.shards.reduce((n, s) => n + s.size, 0),
          },
        }
      : {}),
    compaction: uncompactedLogs(opened, view.manifests),
    gc: { ...count(doomed), graceMs },
    problems: [...reader.problems.values()],
  }
}

function count(metas: Iterable<BlobMeta>): FileCount {
  const list = [...metas]
  return { files: list.length, bytes: sizeOf(list) }
}
