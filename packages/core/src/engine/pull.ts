/**
 * Pull: find what other devices wrote since this device's coverage, take the
 * newest snapshot when logs are gone (or would cost more to download), then
 * download batches with bounded concurrency, verify them, and apply them per
 * device in seq order. Coverage is recorded in the same LocalStore write as
 * the merged updates. Damaged files are quarantined: reported, skipped, never
 * applied, retried only if they change.
 */

import * as Y from 'yjs'
import type { BlobMeta } from '../blob-store.ts'
import { CorruptBlobError, UnsupportedVersionError, YDropboxError } from '../errors.ts'
import { type BlobEntry, decodeBlob } from '../format/blob.ts'
import type { NamedManifest } from '../remote/records.ts'
import type { EpochFiles } from '../remote/remote-view.ts'
import { fetchInBulk, type Prefetched } from './bulk-download.ts'
import { logAad, mapConcurrent, type SyncContext } from './context.ts'
import type { RemoteEntry } from './core.ts'
import type { DocsEvent } from './events.ts'
import { takeNewDeviceId } from './push.ts'
import { applySnapshot, MissingShardError, readNewestManifest } from './snapshot.ts'

/** Files downloaded and applied per LocalStore write. */
const CHUNK_FILES = 64

interface PlannedFile {
  deviceId: string
  seq: number
  meta: BlobMeta
}

/** Pulls and applies everything the last listing shows beyond this device's coverage (`early`: files read ahead). */
export async function pull(ctx: SyncContext, early?: Prefetched): Promise<void> {
  const { core, view } = ctx
  const epoch = core.state.epoch!
  const files = view.epoch(epoch)
  // Damaged files that are gone (deleted, or collected after compaction) are forgotten.
  for (const path of Object.keys(core.state.quarantine))
    if (!view.has(path)) delete core.state.quarantine[path]
  const newest = await readNewestManifest(ctx, files)
  // Every manifest read so far in this epoch counts for clone detection (push.ts isTaken).
  core.knownCoverage = [...core.manifestCache.values()]
    .filter((m) => m.manifest.epoch === epoch)
    .map((m) => m.manifest.coverage)

  // Files under our own id that we did not write: another device has our id.
  const mine = files.logs.get(core.state.deviceId)
  if (mine && [...mine.keys()].some((seq) => seq >= core.state.nextSeq)) await takeNewDeviceId(ctx)

  // Every epoch starts from a snapshot whose content is in no log: merge one once.
  let snapshot = newest
  for (let attempt = 0; snapshot && attempt < 2; attempt++) {
    if (core.state.snapshotApplied && !snapshotNeeded(core.state.coverage, snapshot, files)) break
    try {
      await applySnapshot(ctx, snapshot)
      break
    } catch (error) {
      if (error instanceof MissingShardError && attempt === 0) {
        // Replaced by a newer snapshot while we read (then take that one), or really gone.
        ctx.view.reset()
        await ctx.view.refresh()
        const again = await readNewestManifest(ctx, ctx.view.epoch(epoch))
        if (again && again.name !== snapshot.name) {
          snapshot = again
          continue
        }
      }
      // A passing failure is retried next round; a damaged or incomplete snapshot is set aside.
      if (
        error instanceof YDropboxError &&
        !(error instanceof CorruptBlobError || error instanceof MissingShardError)
      ) {
        throw error
      }
      const path = core.layout.snapshot(epoch, snapshot.name)
      core.state.quarantine[path] = ctx.view.epoch(epoch).snapshots.get(snapshot.name)?.rev ?? ''
      ctx.quarantined(path, error)
      break
    }
  }

  const plan = planLogs(ctx, ctx.view.epoch(epoch))
  if (plan.length === 0) return
  let done = 0
  const quarantine = (file: PlannedFile, error: unknown) => {
    core.state.quarantine[file.meta.path] = file.meta.rev
    ctx.quarantined(file.meta.path, error)
  }
  // Devices whose next file vanished (deleted after compaction): their later files wait.
  const blocked = new Set<string>()
  ctx.progress({ phase: 'Downloading changes', done, total: plan.length })
  const bulk = await fetchInBulk(ctx, epoch, plan, early)
  for (let start = 0; start < plan.length; start += CHUNK_FILES) {
    const chunk = plan.slice(start, start + CHUNK_FILES)
    const downloaded = await mapConcurrent(chunk, core.options.downloadConcurrency, (file) =>
      download(ctx, file, bulk),
    )
    await core.lock.run(async () => {
      const good: Array<{ file: PlannedFile; entries: BlobEntry[] }> = []
      const { coverage } = core.state
      for (let i = 0; i < chunk.length; i++) {
        const file = chunk[i]!
        const result = downloaded[i]!
        if (blocked.has(file.deviceId)) continue
        if (result instanceof UnsupportedVersionError) {
          // Readable after an update of this app: hold back this device's files, apply the rest.
          blocked.add(file.deviceId)
          ctx.notice(`${strip(result.message)}. Changes from that device wait until then.`)
          continue
        }
        if (result === 'missing') {
          blocked.add(file.deviceId)
          continue
        }
        if (result instanceof Error) quarantine(file, result)
        else good.push({ file, entries: result })
        coverage[file.deviceId] = Math.max(coverage[file.deviceId] ?? 0, file.seq)
      }
      for (const { file } of good) delete core.state.quarantine[file.meta.path]
      const event = await applyIsolating(ctx, good, quarantine)
      if (event.added.length + event.changed.length + event.deleted.length > 0) {
        core.events.emit('docs', [event])
      }
    })
    done += chunk.length
    ctx.progress({ phase: 'Downloading changes', done, total: plan.length })
  }
  ctx.progress(undefined)
}

/**
 * True when the snapshot must be read: a log it covers is missing (deleted
 * after compaction), or the covered logs weigh more than its shards.
 */
export function snapshotNeeded(
  coverage: Record<string, number>,
  manifest: NamedManifest,
  files: EpochFiles,
): boolean {
  let logBytes = 0
  for (const [device, covered] of Object.entries(manifest.coverage)) {
    const logs = files.logs.get(device)
    for (let seq = (coverage[device] ?? 0) + 1; seq <= covered; seq++) {
      const meta = logs?.get(seq)
      if (!meta) return true
      logBytes += meta.size
    }
  }
  const shardBytes = manifest.shards.reduce((n, s) => n + s.size, 0)
  return logBytes > shardBytes
}

/** Per device, the contiguous run of seqs after its coverage; plus quarantined files that changed. */
function planLogs(ctx: SyncContext, files: EpochFiles): PlannedFile[] {
  const { coverage, quarantine } = ctx.core.state
  const plan: PlannedFile[] = []
  for (const [deviceId, logs] of files.logs) {
    for (const [seq, meta] of logs) {
      const seen = quarantine[meta.path]
      if (seen !== undefined && seen !== meta.rev && seq <= (coverage[deviceId] ?? 0))
        plan.push({ deviceId, seq, meta })
    }
    for (let seq = (coverage[deviceId] ?? 0) + 1; ; seq++) {
      const meta = logs.get(seq)
      if (!meta) {
        // A gap is usually a file not listed yet (listing lag): wait for the next round.
        // A gap that stays while later files of that device are listed is a lost file:
        // step over it rather than hold back that device for ever.
        if (!skipLostFile(ctx, deviceId, seq, logs)) break
        continue
      }
      if (quarantine[meta.path] === meta.rev) continue
      plan.push({ deviceId, seq, meta })
    }
  }
  return plan
}

/** Rounds a gap must persist, with later files listed, before it counts as lost. */
const LOST_AFTER_ROUNDS = 3

function skipLostFile(ctx: SyncContext, deviceId: string, seq: number, logs: Map<number, unknown>): boolean {
  const { core } = ctx
  let later = false
  for (const s of logs.keys()) if (s > seq) later = true
  const key = `${deviceId}/${seq}`
  if (!later) {
    core.gaps.delete(key)
    return false
  }
  const rounds = (core.gaps.get(key) ?? 0) + 1
  core.gaps.set(key, rounds)
  if (rounds < LOST_AFTER_ROUNDS) return false
  core.gaps.delete(key)
  core.state.coverage[deviceId] = seq
  ctx.notice(
    `A sync file of another device is missing from Dropbox (deleted by hand?); some of its changes may not have arrived.`,
  )
  return true
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
    return await ctx.core.applyRemoteLocked(good.flatMap(withSource))
  } catch (error) {
    if (error instanceof YDropboxError) throw error
  }
  const sound: RemoteEntry[] = []
  for (const { file, entries } of good) {
    try {
      for (const entry of entries) Y.decodeUpdate(entry.update)
      sound.push(...withSource({ file, entries }))
    } catch (error) {
      quarantine(
        file,
        new CorruptBlobError('batch holds a malformed Yjs update', file.meta.path, { cause: error }),
      )
    }
  }
  return ctx.core.applyRemoteLocked(sound)
}

function withSource({ file, entries }: { file: PlannedFile; entries: BlobEntry[] }): RemoteEntry[] {
  return entries.map((entry) => ({ ...entry, source: file.deviceId }))
}

function strip(message: string): string {
  const text = message.replace(/^y-dropbox: /, '')
  return text.charAt(0).toUpperCase() + text.slice(1)
}
