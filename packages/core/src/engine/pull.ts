/**
 * Pull: find what other devices wrote since this device's coverage, take the
 * newest snapshot when logs are gone (or would cost more to download), then
 * download batches with bounded concurrency, verify them, and apply them per
 * device in seq order. Coverage is recorded in the same LocalStore write as
 * the merged updates. Damaged files are quarantined: reported, skipped, never
 * applied, retried only if they change.
 */

import * as Y from 'yjs'
import { CorruptBlobError, UnsupportedVersionError, YDropboxError } from '../errors.ts'
import { logAad } from '../format/aad.ts'
import { type BlobEntry, decodeBlob } from '../format/blob.ts'
import type { NamedManifest } from '../remote/records.ts'
import { fetchInBulk, type Prefetched } from './bulk-download.ts'
import { mapConcurrent, type SyncContext } from './context.ts'
import type { RemoteBatch } from './core.ts'
import type { DocsEvent } from './events.ts'
import { type LogPlan, type PlannedFile, planLogs, snapshotNeeded } from './plan.ts'
import { takeNewDeviceId } from './push.ts'
import { applySnapshot, MissingShardError, readManifests, readNewestManifest } from './snapshot.ts'

/** Files downloaded and applied per LocalStore write. */
const CHUNK_FILES = 64

/** Pulls and applies everything the last listing shows beyond this device's coverage (`early`: files read ahead). */
export async function pull(ctx: SyncContext, early?: Prefetched): Promise<void> {
  const { core, view } = ctx
  const epoch = core.state.epoch!
  const files = view.epoch(epoch)
  // Damaged files that are gone (deleted, or collected after compaction) are forgotten.
  for (const path of Object.keys(core.state.quarantine)) if (!view.has(path)) core.device.release(path)

  // Files under our own id that we did not write: another device has our id.
  const mine = files.logs.get(core.state.deviceId)
  if (mine && [...mine.keys()].some((seq) => seq >= core.state.nextSeq)) await takeNewDeviceId(ctx)

  // Every epoch starts from a snapshot whose content is in no log: merge one once.
  const newest = await readNewestManifest(ctx, files)
  if (newest && snapshotNeeded(core.state, newest, files)) await mergeSnapshot(ctx, newest)

  const plan = await planRound(ctx)
  if (plan.fetch.length === 0) return
  await fetchAndApply(ctx, plan.fetch, early)
}

/**
 * Plans the batches to fetch. A missing batch that a snapshot covers (its
 * batch was collected while this device read an older listing) is taken from
 * that snapshot; one missing for several rounds while later ones are listed
 * is stepped over, remembered as lost, and never counted as held here.
 */
async function planRound(ctx: SyncContext): Promise<LogPlan> {
  const { core, view } = ctx
  const epoch = core.state.epoch!
  const cache = view.cache(epoch)
  for (let attempt = 0; ; attempt++) {
    const files = view.epoch(epoch)
    let plan = planLogs(files, core.state, cache.gaps)
    if (plan.gaps.size > 0 || plan.lost.length > 0)
      plan = planLogs(files, core.state, cache.gaps, await readManifests(ctx, files))
    if (plan.covering && attempt === 0) {
      await mergeSnapshot(ctx, plan.covering)
      continue
    }
    cache.gaps.clear()
    for (const [key, rounds] of plan.gaps) cache.gaps.set(key, rounds)
    if (plan.lost.length > 0) {
      // The status says so for as long as no snapshot brings their content.
      await core.lock.run(async () => {
        for (const { deviceId, seq } of plan.lost) core.device.stepOver(deviceId, seq)
        await core.saveState()
      })
    }
    return plan
  }
}

/**
 * Merges a snapshot. One replaced by a newer snapshot while it was read is
 * swapped for that one; a damaged or incomplete one is set aside; a passing
 * failure is thrown (the round is retried).
 */
async function mergeSnapshot(ctx: SyncContext, manifest: NamedManifest): Promise<void> {
  const { core } = ctx
  const epoch = core.state.epoch!
  let snapshot = manifest
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await applySnapshot(ctx, snapshot)
      return
    } catch (error) {
      if (error instanceof MissingShardError && attempt === 0) {
        ctx.view.reset()
        await ctx.view.refresh()
        const again = await readNewestManifest(ctx, ctx.view.epoch(epoch))
        if (again && again.name !== snapshot.name) {
          snapshot = again
          continue
        }
      }
      if (
        error instanceof YDropboxError &&
        !(error instanceof CorruptBlobError || error instanceof MissingShardError)
      ) {
        throw error
      }
      const path = core.layout.manifest(epoch, snapshot.name)
      core.device.quarantine(path, ctx.view.epoch(epoch).snapshots.get(snapshot.name)?.rev ?? '')
      ctx.quarantined(path, error)
      return
    }
  }
}

/** Downloads the planned batches in chunks and applies each chunk in one LocalStore write. */
async function fetchAndApply(ctx: SyncContext, plan: PlannedFile[], early?: Prefetched): Promise<void> {
  const { core } = ctx
  let done = 0
  const quarantine = (file: PlannedFile, error: unknown) => {
    core.device.quarantine(file.meta.path, file.meta.rev)
    ctx.quarantined(file.meta.path, error)
  }
  // Devices whose next file vanished (deleted after compaction): their later files wait.
  const blocked = new Set<string>()
  ctx.progress('downloading-changes', done, plan.length)
  const bulk = await fetchInBulk(ctx, core.state.epoch!, plan, early)
  for (let start = 0; start < plan.length; start += CHUNK_FILES) {
    const chunk = plan.slice(start, start + CHUNK_FILES)
    const downloaded = await mapConcurrent(chunk, core.options.downloadConcurrency, (file) =>
      download(ctx, file, bulk),
    )
    await core.lock.run(async () => {
      const good: Array<{ file: PlannedFile; entries: BlobEntry[] }> = []
      for (let i = 0; i < chunk.length; i++) {
        const file = chunk[i]!
        const result = downloaded[i]!
        if (blocked.has(file.deviceId)) continue
        if (result instanceof UnsupportedVersionError) {
          // Readable after an update of this app: hold back this device's files, apply the rest.
          blocked.add(file.deviceId)
          ctx.note({ kind: 'device-held-back', detail: result.message })
          continue
        }
        if (result === 'missing') {
          blocked.add(file.deviceId)
          continue
        }
        if (result instanceof Error) quarantine(file, result)
        else good.push({ file, entries: result })
        core.device.cover(file.deviceId, file.seq)
      }
      for (const { file } of good) core.device.release(file.meta.path)
      const event = await applyIsolating(ctx, good, quarantine)
      if (event.added.length + event.changed.length + event.deleted.length > 0) {
        core.events.emit('docs', [event])
      }
    })
    done += chunk.length
    ctx.progress('downloading-changes', done, plan.length)
  }
  ctx.progress()
}

async function download(
  ctx: SyncContext,
  file: PlannedFile,
  bulk: Prefetched,
): Promise<BlobEntry[] | Error | 'missing'> {
  const { core } = ctx
  const { epoch, poolId } = core.state
  const path = file.meta.path
  const got = bulk.has(path) ? bulk.get(path) : await ctx.remote.get(path)
  bulk.delete(path)
  if (!got) {
    ctx.view.reset()
    return 'missing'
  }
  file.meta = got.meta
  try {
    const content = await decodeBlob(got.data, {
      cipher: ctx.cipher,
      aad: logAad(poolId!, epoch!, file.deviceId, file.seq),
      path: file.meta.path,
    })
    if (
      content.kind !== 'log' ||
      content.epoch !== epoch ||
      content.deviceId !== file.deviceId ||
      content.seq !== file.seq
    ) {
      throw new CorruptBlobError(
        'batch content does not match its path (moved or replayed file)',
        file.meta.path,
      )
    }
    return content.entries
  } catch (error) {
    if (error instanceof CorruptBlobError || error instanceof UnsupportedVersionError) return error
    throw error
  }
}

/**
 * Applies the batches of a chunk in one write. Checksums and tags prove a file
 * is what its writer sent, not that its Yjs updates are well formed: when
 * merging fails, each batch is checked on its own and the malformed ones are
 * quarantined, so one crafted file cannot stall a device. Caller holds the lock.
 */
async function applyIsolating(
  ctx: SyncContext,
  good: Array<{ file: PlannedFile; entries: BlobEntry[] }>,
  quarantine: (file: PlannedFile, error: unknown) => void,
): Promise<DocsEvent> {
  try {
    return await ctx.core.applyRemoteLocked(good.map(asBatch))
  } catch (error) {
    if (error instanceof YDropboxError) throw error
  }
  const sound: RemoteBatch[] = []
  for (const { file, entries } of good) {
    try {
      for (const entry of entries) Y.decodeUpdate(entry.update)
      sound.push(asBatch({ file, entries }))
    } catch (error) {
      quarantine(
        file,
        new CorruptBlobError('batch holds a malformed Yjs update', file.meta.path, { cause: error }),
      )
    }
  }
  return ctx.core.applyRemoteLocked(sound)
}

function asBatch({ file, entries }: { file: PlannedFile; entries: BlobEntry[] }): RemoteBatch {
  return { source: file.deviceId, entries }
}
