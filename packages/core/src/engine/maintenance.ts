/**
 * Upkeep of the pool: compaction (any device may run it; concurrent runs are
 * harmless), garbage collection after a grace period, and the device registry.
 */
import * as Y from 'yjs'
import { deviceAad } from '../format/aad.ts'
import {
  type DeviceRecord,
  encodeRecord,
  type NamedManifest,
  type PoolRecord,
  parseDevice,
} from '../remote/records.ts'
import type { SyncContext } from './context.ts'
import { openJson, sealJson } from './encryption.ts'
import { keys } from './local-state.ts'
import { scratchDoc } from './origins.ts'
import { compactionRefusal, planGarbage } from './plan.ts'
import { openPool } from './pool-check.ts'
import { readAllDocsLocked, readManifests, readNewestManifest, writeSnapshot } from './snapshot.ts'

/** Log files and bytes beyond the newest snapshot. */
export async function uncompacted(ctx: SyncContext): Promise<{ files: number; bytes: number }> {
  const files = ctx.view.epoch(ctx.core.state.epoch!)
  const newest = await readNewestManifest(ctx, files)
  let count = 0
  let bytes = 0
  for (const [device, logs] of files.logs) {
    const covered = newest?.coverage[device] ?? 0
    for (const [seq, meta] of logs) {
      if (seq > covered) {
        count++
        bytes += meta.size
      }
    }
  }
  return { files: count, bytes }
}

/**
 * Writes a snapshot of this device's state, when that state is exactly what
 * its coverage says (see `compactionRefusal`). Returns the manifest, or
 * undefined when not possible now.
 */
export async function compact(ctx: SyncContext): Promise<NamedManifest | undefined> {
  const { core } = ctx
  const epoch = core.state.epoch!
  const captured = await core.lock.run(async () => {
    const unsent = core.hasUnflushed || core.pendingIds.size > 0 || core.outbox.size > 0
    if (compactionRefusal(core.state, ctx.view.epoch(epoch), core.layout, unsent)) return undefined
    return { coverage: { ...core.state.coverage }, docs: await readAllDocsLocked(ctx) }
  })
  if (!captured) return undefined
  return writeSnapshot(ctx, { poolId: core.state.poolId!, epoch }, captured.coverage, captured.docs)
}

/**
 * Deletes what no reader can need any more (see `planGarbage`). Returns the
 * number of files deleted.
 */
export async function collectGarbage(ctx: SyncContext, pool: PoolRecord): Promise<number> {
  const { core, view } = ctx
  const doomed = planGarbage({
    epoch: pool.epoch,
    epochAt: pool.epochAt,
    epochs: view.epochs,
    manifests: await readManifests(ctx, view.epoch(pool.epoch)),
    now: core.options.now(),
    graceMs: core.options.gcGraceMs,
    layout: core.layout,
  })
  for (let i = 0; i < doomed.length; i += 1000) await ctx.remote.delete(doomed.slice(i, i + 1000))
  if (doomed.length > 0) view.reset()
  return doomed.length
}

/** Writes this device's record (name, platform, last seen, pushed seq). */
export async function writeDeviceRecord(ctx: SyncContext): Promise<void> {
  const { core } = ctx
  const { state, options } = core
  const record: DeviceRecord = {
    format: 1,
    deviceId: state.deviceId,
    name: state.deviceName,
    platform: options.platform,
    lastSeen: options.now(),
    epoch: state.epoch ?? '',
    pushedSeq: Math.max(0, state.nextSeq - 1 - core.outbox.size),
    active: state.active,
  }
  // In an encrypted pool, the name and the rest travel sealed: the folder shows only the random id.
  const { active: _sealed, ...plain } = record
  const written: DeviceRecord = ctx.cipher
    ? {
        ...plain,
        name: '',
        platform: '',
        lastSeen: 0,
        epoch: '',
        pushedSeq: 0,
        sealed: await sealJson(ctx, record, deviceAad(state.poolId ?? '', state.deviceId)),
      }
    : record
  const path = core.layout.device(state.deviceId)
  ctx.view.noteWritten(await ctx.remote.put(path, encodeRecord(written), 'overwrite'))
  core.device.heartbeat(record.lastSeen)
}

/**
 * Writes this device's record once more after sync was turned off here, so
 * the others list it as off; only into the pool it left, verified now (also
 * from an older epoch, while a new master waits to be downloaded).
 */
export async function announceOff(ctx: SyncContext, passphrase: string | undefined): Promise<void> {
  const { state } = ctx.core
  const current = await openPool(ctx, passphrase)
  // Device records belong to the pool, not to an epoch: a device still waiting for a new
  // master announces it too.
  if (current?.pool.poolId === state.poolId) await writeDeviceRecord(ctx)
}

/** A device of the pool, as `devices()` reports it. */
export interface PoolDevice {
  /** The device's id in the pool (its folder under `log/`). */
  deviceId: string
  /** The name its user gave it (`setDeviceName`). */
  name: string
  /** The platform it describes itself with (the `platform` option). */
  platform: string
  /** When it last wrote its record, in ms since the Unix epoch (its own clock). */
  lastSeen: number
  /** Whether it syncs, or turned sync off (as of its last record). */
  state: 'syncing' | 'off'
  /** True when it syncs in an older epoch: it has not downloaded the current master yet. */
  waitingForMaster: boolean
  /** True for the device this engine runs on. */
  isThisDevice: boolean
}

/** Reads the device registry; damaged records are skipped. */
export async function readDevices(ctx: SyncContext): Promise<PoolDevice[]> {
  const { core } = ctx
  const { entries } = await ctx.remote.list(core.layout.devicesDir.replace(/\/$/, ''))
  const devices: PoolDevice[] = []
  for (const meta of entries) {
    if (!meta.path.endsWith('.json')) continue
    const got = await ctx.remote.get(meta.path)
    if (!got) continue
    try {
      let record = parseDevice(got.data, meta.path)
      if (record.sealed !== undefined) {
        const opened = await openJson<DeviceRecord>(
          ctx,
          record.sealed,
          deviceAad(core.state.poolId ?? '', record.deviceId),
        )
        record = opened?.deviceId === record.deviceId ? opened : { ...record, name: '(encrypted)' }
      }
      devices.push({
        deviceId: record.deviceId,
        name: record.name,
        platform: record.platform,
        lastSeen: record.lastSeen,
        state: record.active === false ? 'off' : 'syncing',
        waitingForMaster: record.active !== false && record.epoch !== '' && record.epoch !== core.state.epoch,
        isThisDevice: record.deviceId === core.state.deviceId,
      })
    } catch (error) {
      core.options.onError(error, `skipped a damaged device record`)
    }
  }
  return devices.sort((a, b) => b.lastSeen - a.lastSeen)
}

/**
 * Recomputes summaries that are only hints (another device's, for a document
 * several devices changed) from the merged documents, at most `limit` per call.
 * Returns how many were recomputed.
 */
export async function refreshSummaries(ctx: SyncContext, limit = 64): Promise<number> {
  const { core } = ctx
  const summarize = core.options.summarize
  if (!summarize) return 0
  const stale: string[] = []
  for (const [id, entry] of core.index.entries()) {
    if (entry.summaryStale) stale.push(id)
    if (stale.length >= limit) break
  }
  if (stale.length === 0) return 0
  await core.lock.run(async () => {
    for (const id of stale) {
      const entry = core.index.get(id)
      const stored = await core.store.get(keys.doc(id))
      if (!entry || !stored) continue
      const doc = scratchDoc()
      try {
        Y.applyUpdate(doc, stored)
        core.index.set(id, { ...entry, summary: summarize(doc), summaryStale: false, summaryBy: 'local' })
      } catch (error) {
        core.index.set(id, { ...entry, summaryStale: false })
        core.options.onError(error, `summarize() threw for document ${id}`)
      } finally {
        doc.destroy()
      }
    }
    await core.store.write(core.index.takeWrites())
  })
  return stale.length
}
