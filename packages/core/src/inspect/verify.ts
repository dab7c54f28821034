/**
 * `verifyPool`: downloads every file of the pool's current epoch and every
 * device record, and checks what a device checks, plus what only the whole
 * shows: snapshots naming missing shards, gaps between batches, a device that
 * reports batches the pool does not hold.
 */
import type { BlobStore } from '../blob-store.ts'
import { mergedView } from './merged-view.ts'
import { epochFiles, type OpenPoolOptions, openPool } from './open-pool.ts'
import { type PoolProblem, problem } from './problems.ts'
import { PoolReader, type ReadOptions } from './reader.ts'

/** What `verifyPool` found. */
export interface VerifyReport {
  /** The pool folder. */
  root: string
  /** The pool's id. */
  poolId: string
  /** The current epoch. */
  epoch: string
  /** Whether the pool is end-to-end encrypted. */
  encrypted: boolean
  /** Files downloaded and checked, and their bytes. */
  checked: {
    /** How many files. */
    files: number
    /** Their size in bytes. */
    bytes: number
  }
  /** Entries the pool holds (deleted ones included). */
  entries: number
  /** Errors first, then warnings; by path. */
  problems: PoolProblem[]
  /** True when there is no error (warnings allowed). */
  ok: boolean
  /** Batches and shards whose content the pool no longer holds anywhere readable. */
  lost: string[]
}

/** Checks every file of the pool at `options.root`. Throws as `openPool` does when the pool cannot be opened. */
export async function verifyPool(
  store: BlobStore,
  options: OpenPoolOptions & ReadOptions,
): Promise<VerifyReport> {
  const opened = await openPool(store, options)
  const reader = new PoolReader(opened, options)
  const { pool, layout } = opened
  const epoch = pool.epoch
  const files = epochFiles(opened.files, epoch)
  const view = await mergedView(reader, false)

  // Everything the view did not need: covered batches, older snapshots' shards, unused shards, device records.
  const logs = [...files.logs].flatMap(([deviceId, bySeq]) =>
    [...bySeq].map(([seq, meta]) => ({ deviceId, seq, meta })),
  )
  const named = new Set(view.manifests.flatMap((m) => m.shards.map((s) => s.hash)))
  const shards = [...new Set([...named, ...files.shards.keys()])]
  const devices = [...opened.files.devices]
  const unreadLogs = logs.filter(({ meta }) => !reader.read.has(meta.path))
  const unreadShards = shards.filter((hash) => !reader.read.has(layout.shard(epoch, hash)))
  reader.phase('Checking every file', unreadLogs.length + unreadShards.length + devices.length)
  await reader.each(unreadLogs, ({ deviceId, seq, meta }) => reader.checkLog(epoch, deviceId, seq, meta))
  await reader.each(unreadShards, (hash) => reader.shard(epoch, hash))
  const records = await reader.each(devices, ([deviceId, meta]) => reader.device(deviceId, meta))

  for (const { deviceId, seq, meta } of logs) {
    const found = reader.problems.get(meta.path)
    if (found && view.base && seq <= (view.base.coverage[deviceId] ?? 0)) {
      found.meaning = `snapshot ${view.base.name} covers this batch, so nothing is lost; it only takes space`
      found.remedies = ['quarantine']
    }
  }
  for (const hash of shards) {
    const found = reader.problems.get(layout.shard(epoch, hash))
    const users = view.manifests.filter((m) => m.shards.some((s) => s.hash === hash)).map((m) => m.name)
    if (found && users.length > 0) {
      found.meaning = `${users.length === 1 ? 'snapshot' : 'snapshots'} ${users.join(', ')} cannot be read whole: new devices and devices far behind set ${users.length === 1 ? 'it' : 'them'} aside`
    }
  }
  for (const hash of files.shards.keys()) {
    if (named.has(hash)) continue
    reader.report(
      problem(
        layout.shard(epoch, hash),
        'unexpected',
        'no snapshot uses this shard',
        'left by an interrupted compaction or a set-aside snapshot: no device reads it, it only takes space',
      ),
    )
  }
  records.forEach((record) => {
    if (!record || record.epoch !== epoch) return
    const held = Math.max(
      view.coverage[record.deviceId] ?? 0,
      ...(files.logs.get(record.deviceId)?.keys() ?? []),
    )
    if (record.pushedSeq <= held) return
    reader.report(
      problem(
        layout.log(epoch, record.deviceId, held + 1),
        'missing',
        `device "${record.name}" reports ${record.pushedSeq} uploaded batches, the pool holds ${held}`,
        'its latest changes are not in the pool (if it is syncing right now, run verify again)',
      ),
    )
  })
  for (const meta of opened.files.other) {
    reader.report(
      problem(
        meta.path,
        'unexpected',
        'not a sync file',
        'devices ignore it (a conflicted copy, or a file put there by hand)',
      ),
    )
  }

  const problems = [...reader.problems.values()].sort(
    (a, b) =>
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  )
  return {
    root: layout.root,
    poolId: pool.poolId,
    epoch,
    encrypted: opened.cipher !== undefined,
    checked: { files: reader.read.size + 1, bytes: reader.bytes + opened.poolMeta.size },
    entries: view.docs.length,
    problems,
    ok: !problems.some((p) => p.severity === 'error'),
    lost: view.lost,
  }
}
