/**
 * Runs every scenario in an order that lets them share work: the pool is
 * written once (bootstrap on logs, compaction, bootstrap after compaction,
 * per-save), the local device once (memory, cold start), and the peers come
 * last so they can be set against our figures.
 */
import { buildLocalDevice } from './local-device.ts'
import { buildPool, closePool } from './pool.ts'
import { profileBootstrap, profileNote } from './profile.ts'
import { type BootstrapMode, bootstrapResult, measureBootstrap } from './scenarios/bootstrap.ts'
import { bundleSizeResult, measureBundleSizes } from './scenarios/bundle-size.ts'
import { coldStartResult, measureColdStart } from './scenarios/cold-start.ts'
import { compactionResult, measureCompaction } from './scenarios/compaction.ts'
import { measureMemory, memoryResult } from './scenarios/memory.ts'
import { automergeResult, measureAutomerge } from './scenarios/peer-automerge.ts'
import { filePerEntryResult, measureFilePerEntry } from './scenarios/peer-file-per-entry.ts'
import { measureWholeFile, wholeFileResult } from './scenarios/peer-whole-file.ts'
import { measureYIndexeddb, yIndexeddbResult } from './scenarios/peer-y-indexeddb.ts'
import { measurePerSave, perSaveResult } from './scenarios/per-save.ts'
import { measurePropagation, type PropagationFigures, propagationResult } from './scenarios/propagation.ts'
import type { BenchContext, ScenarioResult } from './types.ts'

/** The propagation configurations. */
export const PROPAGATION_CONFIGS = [
  { latencyMs: 0, watch: true },
  { latencyMs: 0, watch: false },
  { latencyMs: 50, watch: true },
  { latencyMs: 50, watch: false },
]

/** Order of the tables in RESULTS.md. */
const ORDER = [
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
  'bundle-size',
]

/** Runs everything; `onScenario` is told when each scenario starts (for the progress display). */
export async function runSuite(
  ctx: BenchContext,
  onScenario: (name: string) => void = () => {},
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = []
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
    const logs = await profiled('logs')
    const compaction = await measureCompaction(ctx, pool)
    results.push(compactionResult(pool, compaction))
    const snapshot = await profiled('snapshot')
    results.push(bootstrapResult(ctx, pool, [snapshot, logs]))
    results.push(perSaveResult(await measurePerSave(ctx, pool)))
  } finally {
    await closePool(pool)
  }

  onScenario('3: propagation')
  const runs: PropagationFigures[] = []
  for (const [i, config] of PROPAGATION_CONFIGS.entries()) runs.push(await measurePropagation(ctx, config, i))
  results.push(propagationResult(runs))

  onScenario('4, 5: local device')
  const device = await buildLocalDevice(ctx)
  results.push(memoryResult(await measureMemory(ctx, device)))
  results.push(coldStartResult(ctx, await measureColdStart(ctx, device)))

  onScenario('6: peers')
  results.push(wholeFileResult(ctx, await measureWholeFile(ctx)))
  results.push(filePerEntryResult(ctx, await measureFilePerEntry(ctx)))
  results.push(automergeResult(ctx, await measureAutomerge(ctx)))
  results.push(yIndexeddbResult(ctx, await measureYIndexeddb(ctx)))

  onScenario('8: bundle size')
  ctx.progress.phase('Bundling for the browser (esbuild)', 1)
  results.push(bundleSizeResult(await measureBundleSizes()))
  ctx.progress.tick()

  return results.sort((a, b) => ORDER.indexOf(a.id) - ORDER.indexOf(b.id))
}
