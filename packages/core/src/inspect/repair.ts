/**
 * `repairPool`: the remedies for what `verifyPool` finds, each put to
 * `confirm` first. Nothing is deleted before a copy of it reads back the same
 * under `<root>/recovered/`; a rebuilt snapshot is written before the
 * snapshots it replaces are moved aside, so a crash in between leaves a pool
 * that is no worse. Run verify again afterwards.
 */
import type { BlobStore } from '../blob-store.ts'
import { ConflictError, YDropboxError } from '../errors.ts'
import { poolAad } from '../format/aad.ts'
import { equalBytes } from '../format/bytes.ts'
import { sealValue } from '../format/sealed.ts'
import { randomId } from '../ids.ts'
import { encodeRecord, type PoolRecord } from '../remote/records.ts'
import { mergedView } from './merged-view.ts'
import { type OpenedPool, type OpenPoolOptions, openPool } from './open-pool.ts'
import { PoolReader, type ReadOptions } from './reader.ts'
import { writeSnapshotFiles } from './snapshot-writer.ts'
import { type VerifyReport, verifyPool } from './verify.ts'

/** One remedy, as put to the user. */
export interface RepairAction {
  /** Which remedy: rebuild a snapshot from what is readable, move damaged files aside, or start a fresh master. */
  remedy: 'rebuild-snapshot' | 'quarantine' | 'fresh-master'
  /** What will be done, in a sentence. */
  description: string
  /** What it means for devices and data. */
  meaning: string
  /** The files concerned. */
  paths: string[]
}

/** Options of {@link repairPool}. */
export interface RepairOptions extends OpenPoolOptions, ReadOptions {
  /** Asked before each action; the action is skipped unless it resolves true. */
  confirm: (action: RepairAction) => Promise<boolean>
  /** Also offer a fresh master: a new epoch from the merged view (devices are asked to download it). */
  freshMaster?: boolean
  /** Named as the writer of a fresh master. Default `y-dropbox CLI`. */
  writerName?: string
  /** The clock. Default `Date.now`. */
  now?: () => number
}

/** What `repairPool` did. */
export interface RepairResult {
  /** The verify run the plan came from. */
  before: VerifyReport
  /** The remedies applied, each with what it did (one line per change). */
  done: Array<
    RepairAction & {
      /** What it did, one line per change. */
      result: string[]
    }
  >
  /** The remedies `confirm` declined. */
  skipped: RepairAction[]
}

/** Verifies the pool, then applies the remedies `confirm` accepts. */
export async function repairPool(store: BlobStore, options: RepairOptions): Promise<RepairResult> {
  const before = await verifyPool(store, options)
  const plan = planRepair(before, options.freshMaster ?? false)
  const result: RepairResult = { before, done: [], skipped: [] }
  const now = options.now ?? Date.now
  for (const action of plan) {
    if (!(await options.confirm(action))) {
      result.skipped.push(action)
      continue
    }
    const opened = await openPool(store, options)
    let paths: string[]
    if (action.remedy === 'quarantine') paths = await quarantine(opened, action.paths)
    else if (action.remedy === 'rebuild-snapshot') paths = await rebuild(opened, options, now())
    else paths = await freshMaster(opened, options, now())
    result.done.push({ ...action, result: paths })
  }
  return result
}

/** The remedies a verify report calls for, in the order they are applied. */
export function planRepair(report: VerifyReport, freshMaster = false): RepairAction[] {
  const errors = report.problems.filter((p) => p.severity === 'error')
  const plan: RepairAction[] = []
  const rebuild = errors.filter((p) => p.remedies.includes('rebuild-snapshot'))
  if (rebuild.length > 0) {
    plan.push({
      remedy: 'rebuild-snapshot',
      description:
        'write a new snapshot of the current epoch from everything that can be read, then move the snapshots it replaces to recovered/',
      meaning:
        report.lost.length > 0
          ? `devices stop waiting for what is lost and new devices start from whole data; ${report.lost.length} file(s) of changes are in no readable file (devices that applied them keep them)`
          : 'devices stop waiting for missing files and new devices start from whole data; nothing is lost',
      paths: rebuild.map((p) => p.path),
    })
  }
  const damaged = errors.filter((p) => p.kind === 'damaged' && p.remedies.includes('quarantine'))
  if (damaged.length > 0) {
    plan.push({
      remedy: 'quarantine',
      description: `move ${damaged.length} damaged file(s) to recovered/ (copied first, deleted only once the copy reads back the same)`,
      meaning: 'devices stop tripping over them; the bytes stay in recovered/ for a closer look',
      paths: damaged.map((p) => p.path),
    })
  }
  if (freshMaster) {
    plan.push({
      remedy: 'fresh-master',
      description: `start a new epoch whose first snapshot is the merged view (${report.entries} entries)`,
      meaning:
        'every device is asked to Download Master DB; changes a device holds that the pool lost are then only in that device\u2019s local backup',
      paths: [],
    })
  }
  return plan
}

/** Moves files to `<root>/recovered/`, each copied and read back before it is deleted. Returns the copies. */
export async function quarantine(opened: OpenedPool, paths: string[]): Promise<string[]> {
  const { store, layout } = opened
  const copies: string[] = []
  for (const path of paths) {
    const got = await store.get(path)
    if (!got) continue
    const relative = path.startsWith(`${layout.root}/`)
      ? path.slice(layout.root.length + 1)
      : path.replace(/^\//, '')
    let target = `${layout.root}/recovered/${relative}`
    for (let attempt = 2; ; attempt++) {
      try {
        await store.put(target, got.data, 'add')
        break
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt > 50) throw error
        target = `${layout.root}/recovered/${relative}.${attempt}`
      }
    }
    const copy = await store.get(target)
    if (!copy || !equalBytes(copy.data, got.data)) {
      throw new YDropboxError(
        `the copy of ${path} in recovered/ does not read back the same; the original was kept`,
      )
    }
    await store.delete([path])
    copies.push(target)
  }
  return copies
}

async function rebuild(opened: OpenedPool, options: ReadOptions, now: number): Promise<string[]> {
  const reader = new PoolReader(opened, options)
  const view = await mergedView(reader)
  const written = await writeSnapshotFiles(opened, view.epoch, view.coverage, view.docs, randomId(), now)
  // Older snapshots that name an unreadable shard are broken too (shards are shared by name).
  const broken = new Set(view.broken)
  for (const manifest of view.manifests) {
    const shards = await reader.each(manifest.shards, (s) => reader.shard(view.epoch, s.hash))
    if (shards.some((s) => s === undefined)) broken.add(manifest.name)
  }
  const brokenPaths = [...broken]
    .map((name) => opened.layout.manifest(view.epoch, name))
    .filter((path) => opened.files.all.some((m) => m.path === path))
  const moved = await quarantine(opened, brokenPaths)
  return [written.manifest, ...written.shards, ...moved]
}

async function freshMaster(opened: OpenedPool, options: RepairOptions, now: number): Promise<string[]> {
  const view = await mergedView(new PoolReader(opened, options))
  const { pool, cipher, store, layout } = opened
  const epoch = randomId(10)
  const written = await writeSnapshotFiles(opened, epoch, {}, view.docs, randomId(), now)
  const generation = (pool.generation ?? 0) + 1
  const epochBy = options.writerName ?? 'y-dropbox CLI'
  let next: PoolRecord = { ...pool, epoch, epochBy, epochAt: now, generation }
  if (cipher) {
    const names = { createdBy: opened.createdBy, epochBy, epochAt: now, generation }
    next = {
      ...next,
      createdBy: '',
      epochBy: '',
      names: await sealValue(cipher, names, poolAad(pool.poolId, epoch)),
    }
  }
  try {
    await store.put(layout.pool, encodeRecord(next), { update: opened.poolMeta.rev })
  } catch (error) {
    if (error instanceof ConflictError) {
      throw new ConflictError(
        layout.pool,
        'a device changed the sync pool meanwhile; nothing was switched, run repair again',
      )
    }
    throw error
  }
  return [written.manifest, ...written.shards, layout.pool]
}
