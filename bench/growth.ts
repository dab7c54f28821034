/**
 * `pnpm bench -- --growth`: how the costs a user meets grow with the diary,
 * at 1,000, 10,000 and 100,000 entries, each size on a fresh emulator with
 * the same number of edits per entry: bootstrap (logs only and after
 * compaction, each by a device in a process of its own), cold start to
 * list-ready and to every entry opened, heap, and the per-save cost. The
 * largest size is profiled (`node --cpu-prof`).
 *
 * The bootstraps and the cold starts take turns, size by size, three times
 * over (see `inTurns`): every size's pool stays on its emulator until its
 * bootstraps are measured.
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

/**
 * Prepares every size in turn (its device, heap and pool, on an emulator of
 * its own that stays up), then measures the bootstraps with the sizes taking
 * turns, then each size's compaction, per-save cost and the cold starts.
 */
export async function measureGrowth(o: GrowthOptions): Promise<GrowthPoint[]> {
  const sizes = o.sizes ?? GROWTH_SIZES
  const largest = Math.max(...sizes)
  const points: GrowthPoint[] = []
  const runs: SizeRun[] = []
  // Each size's local device outlives its size's emulator and temp folder, for the cold starts.
  const devices = await mkdtemp(join(tmpdir(), 'y-dropbox-growth-devices-'))
  try {
    for (const size of sizes) {
      o.onSize?.(size)
      runs.push(
        await prepareSize(size, o, o.profile !== false && size === largest, join(devices, String(size))),
      )
      collectGarbage()
    }
    const logs = await inTurns(runs, (run) => childBootstrap(run.ctx, run.pool.root, 'logs'))
    for (const run of runs) {
      await on(run, async () => {
        if (run.profile)
          run.profiles.push(
            profileNote(
              `(b) logs only at ${run.size}`,
              await profileBootstrap(run.ctx, run.pool.root, 'logs'),
            ),
          )
        await measureCompaction(run.ctx, run.pool)
      })
    }
    const snapshots = await inTurns(runs, (run) => childBootstrap(run.ctx, run.pool.root, 'snapshot'))
    for (const [i, run] of runs.entries()) {
      const save = await on(run, async () => {
        if (run.profile)
          run.profiles.push(
            profileNote(
              `(a) after compaction at ${run.size}`,
              await profileBootstrap(run.ctx, run.pool.root, 'snapshot'),
            ),
          )
        // Per-save needs a device that joined the pool in this process.
        await measureBootstrap(run.ctx, run.pool, 'snapshot', { baseline: false })
        return measurePerSave(run.ctx, run.pool)
      })
      points.push({
        size: run.size,
        editsPerEntry: run.editsPerEntry,
        stateBytes: run.stateBytes,
        logBytes: run.pool.logBytes,
        logFiles: run.pool.logFiles,
        buildMs: run.pool.buildMs,
        bootstrapLogs: logs[i]!,
        bootstrapSnapshot: snapshots[i]!,
        save: { uploadBytes: save.uploadBytes, calls: save.roundCalls + save.otherCalls },
        memory: run.memory,
        profiles: run.profiles,
        totalMs: run.busyMs,
      })
      await run.close()
      o.onPoints?.(points)
    }
    const colds = await coldStartsInChildren(
      o.progress,
      runs.map((run) => run.task),
      ROUNDS,
    )
    for (const [i, cold] of colds.entries()) points[i]!.cold = cold
    o.onPoints?.(points)
    return points
  } finally {
    for (const run of runs) await run.close()
    await rm(devices, { recursive: true, force: true })
  }
}

/** Rounds of the measurements that take turns (bootstraps, cold starts); each size's figure is its median. */
const ROUNDS = 3

/** One size, prepared: its emulator (kept up until `close()`), pool, device kept on disk, and heap. */
interface SizeRun {
  size: number
  editsPerEntry: number
  stateBytes: number
  ctx: BenchContext
  pool: Awaited<ReturnType<typeof buildPool>>
  memory: { openBytes: number; encodedBytes: number }
  task: ColdStartDevice
  profile: boolean
  profiles: string[]
  /** Time spent on it so far. */
  busyMs: number
  close(): Promise<void>
}

/**
 * Runs `measure` on every size in turn, {@link ROUNDS} times over, and keeps
 * each size's median run: the machine drifts over minutes (every entry of the
 * same 100,000-entry store opened in 4.5 s, and 20 minutes later in
 * 6.5–7.0 s), and a size measured once, minutes after the one before, carried
 * that drift into their ratio.
 */
async function inTurns<T extends { ms: number }>(
  runs: SizeRun[],
  measure: (run: SizeRun) => Promise<T>,
): Promise<T[]> {
  const results: T[][] = runs.map(() => [])
  for (let round = 0; round < ROUNDS; round++)
    for (const [i, run] of runs.entries()) results[i]!.push(await on(run, () => measure(run)))
  return results.map((rounds) => [...rounds].sort((a, b) => a.ms - b.ms)[Math.floor(rounds.length / 2)]!)
}

/** Runs one step of a size, counting its time in the size's. */
async function on<T>(run: SizeRun, step: () => Promise<T>): Promise<T> {
  const started = performance.now()
  try {
    return await step()
  } finally {
    run.busyMs += performance.now() - started
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

/** Builds one size's device (kept in `deviceDir` for the cold starts), measures its heap, and writes its pool. */
async function prepareSize(
  size: number,
  o: GrowthOptions,
  profile: boolean,
  deviceDir: string,
): Promise<SizeRun> {
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
  let closed = false
  let pool: Awaited<ReturnType<typeof buildPool>> | undefined
  const close = async () => {
    if (closed) return
    closed = true
    if (pool) await closePool(pool)
    await dispose()
  }
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
    pool = await buildPool(ctx)
    return {
      size,
      editsPerEntry,
      stateBytes: diary.stateBytes,
      ctx,
      pool,
      memory: { openBytes: memory.openBytes, encodedBytes: memory.encodedBytes },
      task,
      profile,
      profiles: [],
      busyMs: performance.now() - started,
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}
