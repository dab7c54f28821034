/**
 * `pnpm bench -- --growth`: how the costs a user meets grow with the diary,
 * at 1,000, 10,000 and 100,000 entries, each size on a fresh emulator with
 * the same number of edits per entry: bootstrap (logs only and after
 * compaction, each by a device in a process of its own), cold start to
 * list-ready and to every entry opened, heap, and the per-save cost. The
 * largest size is profiled (`node --cpu-prof`).
 *
 * The cold starts of all sizes run last, taking turns size by size, three
 * times over: the machine drifts over minutes (every entry of the same
 * 100,000-entry store opened in 4.5 s, and 20 minutes later in 6.5–7.0 s),
 * and a size measured once, minutes after the one before, carried that drift
 * into their ratio.
 */
import { mkdtemp, rename, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createContext } from './context.ts'
import { buildLocalDevice } from './local-device.ts'
import { collectGarbage } from './measure.ts'
import { buildPool, closePool } from './pool.ts'
import { bootstrapInChild, profileBootstrap, profileNote } from './profile.ts'
import { countCalls } from './remote.ts'
import { type BootstrapMode, measureBootstrap } from './scenarios/bootstrap.ts'
import { type ColdStartDevice, coldStartsInChildren, coldStartTask } from './scenarios/cold-start.ts'
import { measureCompaction } from './scenarios/compaction.ts'
import type { GrowthPoint } from './scenarios/growth-table.ts'
import { measureMemory } from './scenarios/memory.ts'
import { measurePerSave } from './scenarios/per-save.ts'
import type { BenchContext, Progress } from './types.ts'

/** Diary sizes of the growth run. */
export const GROWTH_SIZES = [1000, 10_000, 100_000]
/** Edits per entry at every size (the main run has 20; 100,000 entries × 20 would not fit the time budget). */
export const GROWTH_EDITS = 10

/** Options of {@link measureGrowth}. */
export interface GrowthOptions {
  sizes?: number[]
  editsPerEntry?: number
  emulator?: 'process' | 'in-process'
  /** Profile the bootstraps of the largest size. Default true. */
  profile?: boolean
  progress: Progress
  /** Told when a size starts. */
  onSize?(size: number): void
  /**
   * Told the points measured so far, after each size and after the cold
   * starts (partial results survive an interruption).
   */
  onPoints?(points: GrowthPoint[]): void
}

/** Measures every size in turn, then the cold starts of all sizes. */
export async function measureGrowth(o: GrowthOptions): Promise<GrowthPoint[]> {
  const sizes = o.sizes ?? GROWTH_SIZES
  const points: GrowthPoint[] = []
  // Each size's local device outlives its size's emulator and temp folder, for the cold starts.
  const devices = await mkdtemp(join(tmpdir(), 'y-dropbox-growth-devices-'))
  try {
    const tasks: ColdStartDevice[] = []
    for (const size of sizes) {
      o.onSize?.(size)
      const dir = join(devices, String(size))
      const { point, task } = await measureSize(
        size,
        o,
        o.profile !== false && size === Math.max(...sizes),
        dir,
      )
      points.push(point)
      tasks.push(task)
      o.onPoints?.(points)
      collectGarbage()
    }
    const colds = await coldStartsInChildren(o.progress, tasks, 3)
    for (const [i, cold] of colds.entries()) points[i]!.cold = cold
    o.onPoints?.(points)
    return points
  } finally {
    await rm(devices, { recursive: true, force: true })
  }
}

/** A new device joins in a child process (time, calls and bytes of its bootstrap). */
async function childBootstrap(ctx: BenchContext, root: string, mode: BootstrapMode) {
  ctx.progress.phase(
    `Bootstrap in a device process (${mode === 'logs' ? 'logs only' : 'after compaction'})`,
    1,
  )
  const { result, calls } = await countCalls(ctx.remote, () => bootstrapInChild(ctx, root))
  ctx.progress.tick()
  return { ms: result.ms, calls: calls.calls, bytes: calls.bytesDown }
}

/** One size's figures but the cold start, and the cold start's task on a device kept in `deviceDir`. */
async function measureSize(
  size: number,
  o: GrowthOptions,
  profile: boolean,
  deviceDir: string,
): Promise<{ point: GrowthPoint; task: ColdStartDevice }> {
  const editsPerEntry = o.editsPerEntry ?? GROWTH_EDITS
  const { ctx, dispose } = await createContext({
    size,
    quick: true,
    editsPerEntry,
    saves: 50,
    progress: o.progress,
    profile,
    ...(o.emulator ? { emulator: o.emulator } : {}),
  })
  try {
    const started = performance.now()
    ctx.progress.phase(`${size.toLocaleString('en')} entries: generating the diary`, 1)
    const diary = ctx.diary()
    ctx.progress.tick()
    // On disk only: IndexedDB in a real browser is scenario 9's (fake-indexeddb at 100,000 measures fake-indexeddb).
    const device = await buildLocalDevice(ctx, { idb: false })
    const memory = await measureMemory(ctx, device)
    await rename(device.fsDir, deviceDir)
    const task = coldStartTask({ ...device, fsDir: deviceDir })
    collectGarbage()
    const pool = await buildPool(ctx)
    const profiles: string[] = []
    let point: Omit<GrowthPoint, 'memory'>
    try {
      const logs = await childBootstrap(ctx, pool.root, 'logs')
      if (profile)
        profiles.push(profileNote(`(b) logs only at ${size}`, await profileBootstrap(ctx, pool.root, 'logs')))
      await measureCompaction(ctx, pool)
      const snapshot = await childBootstrap(ctx, pool.root, 'snapshot')
      if (profile)
        profiles.push(
          profileNote(`(a) after compaction at ${size}`, await profileBootstrap(ctx, pool.root, 'snapshot')),
        )
      // Per-save needs a device that joined the pool in this process.
      await measureBootstrap(ctx, pool, 'snapshot', { baseline: false })
      const save = await measurePerSave(ctx, pool)
      point = {
        size,
        editsPerEntry,
        stateBytes: diary.stateBytes,
        logBytes: pool.logBytes,
        logFiles: pool.logFiles,
        buildMs: pool.buildMs,
        bootstrapLogs: logs,
        bootstrapSnapshot: snapshot,
        save: { uploadBytes: save.uploadBytes, calls: save.roundCalls + save.otherCalls },
        profiles,
        totalMs: 0,
      }
    } finally {
      await closePool(pool)
    }
    return {
      point: {
        ...point,
        memory: { openBytes: memory.openBytes, encodedBytes: memory.encodedBytes },
        totalMs: performance.now() - started,
      },
      task,
    }
  } finally {
    await dispose()
  }
}
