/**
 * The decisions of a sync round as pure functions of what the device knows:
 * the listing of the epoch, its own state, the snapshot manifests read, and
 * the clock. Which batches to fetch, when a snapshot must be read, whether
 * this device may compact, what garbage collection may delete. No I/O here,
 * so each rule is tested on its own (`plan.test.ts`), with properties where a
 * rule must hold for every input.
 */
import type { BlobMeta } from '../blob-store.ts'
import type { PoolLayout } from '../remote/layout.ts'
import type { NamedManifest } from '../remote/records.ts'
import type { EpochFiles } from '../remote/remote-view.ts'
import type { DeviceStateView } from './device-state.ts'

/** A batch to download. */
export interface PlannedFile {
  deviceId: string
  seq: number
  meta: BlobMeta
}

/** Rounds a gap must persist, with later files of that device listed, before it counts as lost. */
export const LOST_AFTER_ROUNDS = 3

/** What to do about the batches of an epoch this round. */
export interface LogPlan {
  /** Batches to download, per device in seq order (and quarantined files that changed). */
  fetch: PlannedFile[]
  /** Gaps still open, `device/seq` → rounds seen (listing lag, usually): carry into the next round. */
  gaps: Map<string, number>
  /** Gaps open for `LOST_AFTER_ROUNDS` rounds while later files are listed: batches lost from the folder. */
  lost: Array<{ deviceId: string; seq: number }>
  /** Gaps a known snapshot covers (its content holds the missing batch): the manifest to read. */
  covering?: NamedManifest
}

/**
 * Per device, the contiguous run of batches after its coverage, plus
 * quarantined files whose rev changed. A missing batch stops its device's run:
 * when a known snapshot covers it, that snapshot is the way on; when it stays
 * missing for `LOST_AFTER_ROUNDS` rounds while later batches are listed, it is
 * lost (deleted by hand) and stepped over.
 */
export function planLogs(
  files: EpochFiles,
  state: Pick<DeviceStateView, 'coverage' | 'quarantine'>,
  gapsSeen: ReadonlyMap<string, number>,
  manifests: readonly NamedManifest[] = [],
): LogPlan {
  const { coverage, quarantine } = state
  const plan: LogPlan = { fetch: [], gaps: new Map(), lost: [] }
  for (const [deviceId, logs] of files.logs) {
    for (const [seq, meta] of logs) {
      const seen = quarantine[meta.path]
      if (seen !== undefined && seen !== meta.rev && seq <= (coverage[deviceId] ?? 0))
        plan.fetch.push({ deviceId, seq, meta })
    }
    const last = Math.max(0, ...logs.keys())
    for (let seq = (coverage[deviceId] ?? 0) + 1; seq <= last; seq++) {
      const meta = logs.get(seq)
      if (meta) {
        if (quarantine[meta.path] !== meta.rev) plan.fetch.push({ deviceId, seq, meta })
        continue
      }
      const covering = bestCovering(manifests, deviceId, seq)
      if (covering) {
        if (!plan.covering || sum(covering.coverage) > sum(plan.covering.coverage)) plan.covering = covering
        break
      }
      const key = `${deviceId}/${seq}`
      const rounds = (gapsSeen.get(key) ?? 0) + 1
      if (rounds < LOST_AFTER_ROUNDS) {
        plan.gaps.set(key, rounds)
        break
      }
      plan.lost.push({ deviceId, seq })
    }
  }
  return plan
}

/**
 * True when the snapshot must be read: a batch it covers is missing here
 * (deleted after compaction, or stepped over as lost), or the batches it
 * covers weigh more than its shards.
 */
export function snapshotNeeded(
  state: Pick<DeviceStateView, 'coverage' | 'skipped' | 'snapshotApplied'>,
  manifest: NamedManifest,
  files: EpochFiles,
): boolean {
  if (!state.snapshotApplied) return true
  for (const [device, seqs] of Object.entries(state.skipped ?? {}))
    if (seqs.some((seq) => seq <= (manifest.coverage[device] ?? 0))) return true
  let logBytes = 0
  for (const [device, covered] of Object.entries(manifest.coverage)) {
    const logs = files.logs.get(device)
    for (let seq = (state.coverage[device] ?? 0) + 1; seq <= covered; seq++) {
      const meta = logs?.get(seq)
      if (!meta) return true
      logBytes += meta.size
    }
  }
  const shardBytes = manifest.shards.reduce((n, s) => n + s.size, 0)
  return logBytes > shardBytes
}

/** Why this device may not compact now, or undefined when it may. */
export function compactionRefusal(
  state: Pick<DeviceStateView, 'coverage' | 'quarantine' | 'skipped' | 'snapshotApplied' | 'epoch'>,
  files: EpochFiles,
  layout: PoolLayout,
  unsent: boolean,
): string | undefined {
  if (!state.snapshotApplied) return "the epoch's starting snapshot is not merged yet"
  if (unsent) return 'changes of this device are not uploaded yet'
  if (state.skipped && Object.keys(state.skipped).length > 0)
    return 'batches of another device were lost before they arrived here'
  const epochDir = layout.epochDir(state.epoch ?? '')
  if (Object.keys(state.quarantine).some((p) => p.startsWith(epochDir))) return 'a damaged file was set aside'
  for (const [device, logs] of files.logs)
    for (const seq of logs.keys())
      if (seq > (state.coverage[device] ?? 0)) return 'not every listed batch is applied yet'
  return undefined
}

/** The manifest with the largest coverage (sum of seqs), ties broken by name: the one readers take. */
export function newestManifest(manifests: readonly NamedManifest[]): NamedManifest | undefined {
  let best: NamedManifest | undefined
  for (const m of manifests) {
    const order = best ? sum(m.coverage) - sum(best.coverage) : 1
    if (order > 0 || (order === 0 && m.name > best!.name)) best = m
  }
  return best
}

/** What garbage collection sees of the pool. */
export interface GarbageInput {
  /** The current epoch and when it began (`pool.json`). */
  epoch: string
  epochAt: number
  /** Every epoch folder listed. */
  epochs: ReadonlyMap<string, EpochFiles>
  /** The manifests of the current epoch that could be read. */
  manifests: readonly NamedManifest[]
  now: number
  graceMs: number
  layout: PoolLayout
}

/**
 * The paths garbage collection may delete: epochs superseded for longer than
 * the grace period; in the current epoch, manifests older than the grace
 * period except the newest, their shards that no kept manifest uses, and the
 * batches that the newest manifest, every kept manifest and one manifest older
 * than the grace period all cover. So a batch goes only when the snapshot
 * every reader takes holds it, and only after the grace period.
 */
export function planGarbage(input: GarbageInput): string[] {
  const { epoch, epochAt, epochs, manifests, now, graceMs, layout } = input
  const doomed: string[] = []
  for (const [other, files] of epochs) {
    if (other !== epoch && now - epochAt > graceMs) doomed.push(...allPaths(files))
  }
  const files = epochs.get(epoch)
  const newest = newestManifest(manifests)
  if (!files || !newest) return [...new Set(doomed)]
  const keep = manifests.filter((m) => m === newest || now - m.createdAt <= graceMs)
  const base = newestManifest(manifests.filter((m) => now - m.createdAt > graceMs))
  if (base) {
    for (const [device, logs] of files.logs) {
      const limit = Math.min(...[base, ...keep].map((m) => m.coverage[device] ?? 0))
      for (const [seq, meta] of logs) if (seq <= limit) doomed.push(meta.path)
    }
  }
  const kept = new Set(keep.flatMap((m) => m.shards.map((s) => s.hash)))
  for (const m of manifests) {
    if (keep.includes(m)) continue
    doomed.push(layout.manifest(epoch, m.name))
    for (const shard of m.shards) if (!kept.has(shard.hash)) doomed.push(layout.shard(epoch, shard.hash))
  }
  return [...new Set(doomed)]
}

function bestCovering(
  manifests: readonly NamedManifest[],
  deviceId: string,
  seq: number,
): NamedManifest | undefined {
  return newestManifest(manifests.filter((m) => (m.coverage[deviceId] ?? 0) >= seq))
}

function sum(coverage: Readonly<Record<string, number>>): number {
  return Object.values(coverage).reduce((a, b) => a + b, 0)
}

function allPaths(files: EpochFiles): string[] {
  const metas: BlobMeta[] = [...files.shards.values(), ...files.snapshots.values()]
  for (const logs of files.logs.values()) metas.push(...logs.values())
  return metas.map((m) => m.path)
}
