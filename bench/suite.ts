/**
 * Runs every scenario in an order that lets them share work: the pool is
 * written once (bootstrap on logs, compaction, bootstrap after compaction,
 * per-save, then the browser's bootstrap), the local device once (memory,
 * cold start), and the peers come last so they can be set against our figures.
 */
import { buildLocalDevice } from './local-device.ts'
import { buildPool, closePool } from './pool.ts'
import { profileBootstrap, profileNote } from './profile.ts'
import {
  type BootstrapMode,
  bootstrapResult,
  measureBootstrap,
  measureWeatherBootstrap,
  type Weather,
} from './scenarios/bootstrap.ts'
import { bundleSizeResult, measureBundleSizes } from './scenarios/bundle-size.ts'
import { chromiumResult, measureChromium } from './scenarios/chromium.ts'
import { coldStartResult, measureColdStart } from './scenarios/cold-start.ts'
import { compactionResult, measureCompaction } from './scenarios/compaction.ts'
import { devicesResult, measureDevices } from './scenarios/devices.ts'
import { measureMemory, memoryResult } from './scenarios/memory.ts'
import { automergeResult, measureAutomerge } from './scenarios/peer-automerge.ts'
import { filePerEntryResult, measureFilePerEntry } from './scenarios/peer-file-per-entry.ts'
import { measureWholeFile, wholeFileResult } from './scenarios/peer-whole-file.ts'
import { measureYIndexeddb, yIndexeddbResult } from './scenarios/peer-y-indexeddb.ts'
import { measurePerSave, perSaveResult } from './scenarios/per-save.ts'
import {
  measurePropagation,
  type PropagationConfig,
  type PropagationFigures,
  propagationResult,
} from './scenarios/propagation.ts'
import type { BenchContext, ScenarioResult } from './types.ts'

/** The propagation configurations: loopback, 50 and 150 ms, and 150 ms with Dropbox weather (429s). */
export const PROPAGATION_CONFIGS: PropagationConfig[] = [
  { latencyMs: 0, watch: true },
  { latencyMs: 0, watch: false },
  { latencyMs: 50, watch: true },
  { latencyMs: 50, watch: false },
  { latencyMs: 150, watch: true, share: 0.25 },
  { latencyMs: 150, watch: true, rateLimitOneIn: 50, share: 0.25 },
]

/** The bootstraps repeated through weather. */
export const BOOTSTRAP_WEATHER: Weather[] = [{ latencyMs: 50 }, { latencyMs: 150, rateLimitOneIn: 50 }]

/** Every scenario of the suite, in the order of the tables in RESULTS.md. */
export const SCENARIOS = [
  'bootstrap',
  'per-save',
  'propagation',
  'memory',
  'cold-start',
  'peer-whole-file',
  'peer-file-per-entry',
  'peer-automerge',
  'peer-y-indexeddb',
  'compaction',
  'devices',
  'chromium',
  'bundle-size',
]

/** How many times {@link runSuite} reports a new step (for the progress display). */
export const SUITE_STEPS = 8

/**
 * Runs everything; `onScenario` is told when each step starts (for the
 * progress display). Each finished scenario is pushed into `results` at once,
 * so an interrupted run still has them; they are sorted at the end.
 */
export async function runSuite(
  ctx: BenchContext,
  onScenario: (name: string) => void = () => {},
  results: ScenarioResult[] = [],
): Promise<ScenarioResult[]> {
  onScenario('Generating the diary')
  ctx.diary()

  onScenario('1, 2, 7: pool on the emulator')
  const pool = await buildPool(ctx)
  try {
    const profiled = async (mode: BootstrapMode) => {
      const figures = await measureBootstrap(ctx, pool, mode)
      if (ctx.profile) {
        ctx.progress.phase(`Profiling the bootstrap (${mode})`, 1)
        const label = mode === 'snapshot' ? '(a) after compaction' : '(b) logs only'
        figures.profile = profileNote(label, await profileBootstrap(ctx, pool.root, mode))
        ctx.progress.tick()
      }
      return figures
    }
    const weathered = async (mode: BootstrapMode) => {
      const runs = []
      for (const w of BOOTSTRAP_WEATHER) runs.push(await measureWeatherBootstrap(ctx, pool, mode, w))
      return runs
    }
    const logs = await profiled('logs')
    const logsWeather = await weathered('logs')
    const compaction = await measureCompaction(ctx, pool)
    results.push(compactionResult(pool, compaction))
    const snapshot = await profiled('snapshot')
    const snapshotWeather = await weathered('snapshot')
    results.push(bootstrapResult(ctx, pool, [snapshot, logs, ...snapshotWeather, ...logsWeather]))
    results.push(perSaveResult(await measurePerSave(ctx, pool)))
  } finally {
    await closePool(pool)
  }

  onScenario('9: Chromium')
  results.push(chromiumResult(ctx, await measureChromium(ctx, pool.root)))

  onScenario('3: propagation')
  const runs: PropagationFigures[] = []
  for (const [i, config] of PROPAGATION_CONFIGS.entries()) runs.push(await measurePropagation(ctx, config, i))
  results.push(propagationResult(runs))

  onScenario('8: devices')
  results.push(devicesResult(ctx, await measureDevices(ctx)))

  onScenario('4, 5: local device')
  const device = await buildLocalDevice(ctx)
  results.push(memoryResult(await measureMemory(ctx, device)))
  results.push(coldStartResult(ctx, await measureColdStart(ctx, device)))

  onScenario('6: peers')
  results.push(wholeFileResult(ctx, await measureWholeFile(ctx)))
  results.push(filePerEntryResult(ctx, await measureFilePerEntry(ctx)))
  results.push(automergeResult(ctx, await measureAutomerge(ctx)))
  results.push(yIndexeddbResult(ctx, await measureYIndexeddb(ctx)))

  onScenario('11: bundle size')
  ctx.progress.phase('Bundling for the browser (esbuild)', 1)
  results.push(bundleSizeResult(await measureBundleSizes()))
  ctx.progress.tick()

  return results.sort((a, b) => SCENARIOS.indexOf(a.id) - SCENARIOS.indexOf(b.id))
}
