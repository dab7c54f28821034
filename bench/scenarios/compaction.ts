/**
 * Scenario 7, compaction: the pool's writer compacts every logged edit into a
 * snapshot; time and bytes written, and the pool's size before and after
 * (after garbage collection, with the grace period set to 0 so the run need
 * not wait the default 7 days). Baseline: `Y.mergeUpdates` of every logged
 * update per entry, from memory.
 */
import * as Y from 'yjs'
import { compareRow, fig, medianTime, sleep, timed } from '../measure.ts'
import type { Pool } from '../pool.ts'
import { type Calls, countCalls, storedBytes } from '../remote.ts'
import type { BenchContext, ScenarioResult } from '../types.ts'

/** What compaction cost and saved. */
export interface CompactionFigures {
  ms: number
  calls: Calls
  poolBefore: { files: number; bytes: number }
  poolAfter: { files: number; bytes: number }
  deleted: number
  mergeMs: number
  mergedBytes: number
}

/** Compacts the pool (its writer), then collects garbage. */
export async function measureCompaction(ctx: BenchContext, pool: Pool): Promise<CompactionFigures> {
  ctx.progress.phase('Compaction', 3)
  const poolBefore = await storedBytes(ctx.remote, `${pool.root}/`)
  const { result, calls } = await countCalls(ctx.remote, () => timed(() => pool.writer.engine.compact()))
  if (!result.result) throw new Error('compaction: the writer could not compact (its state is not settled)')
  ctx.progress.tick()
  // The grace period is 0 ms; let the clock move past the snapshot's creation.
  await sleep(5)
  const deleted = await pool.writer.engine.collectGarbage()
  const poolAfter = await storedBytes(ctx.remote, `${pool.root}/`)
  ctx.progress.tick()
  let mergedBytes = 0
  const mergeMs = await medianTime(3, () => {
    mergedBytes = 0
    for (const entry of pool.diary.entries) mergedBytes += Y.mergeUpdates(entry.updates).length
  })
  ctx.progress.tick()
  return { ms: result.ms, calls, poolBefore, poolAfter, deleted, mergeMs, mergedBytes }
}

/** The compaction table. */
export function compactionResult(pool: Pool, f: CompactionFigures): ScenarioResult {
  return {
    id: 'compaction',
    title: '7. Compaction',
    about:
      `The writer of the pool compacts ${pool.diary.edits.toLocaleString('en')} logged edits of ` +
      `${pool.diary.entries.length.toLocaleString('en')} entries (\`compact()\`), then collects garbage ` +
      '(`collectGarbage()`, grace period 0). Its documents are already merged in its LocalStore, so compaction ' +
      'reads, encodes, compresses, hashes and uploads them. Baseline: `Y.mergeUpdates` of every logged update ' +
      'per entry from memory (the CRDT work of compaction), median of 3; its output size for bytes.',
    rows: [
      compareRow(
        'time to compact',
        fig(f.ms, 'ms'),
        fig(f.mergeMs, 'ms'),
        'Y.mergeUpdates from memory',
        undefined,
      ),
      compareRow('bytes written', fig(f.calls.uploadBytes, 'B'), fig(f.mergedBytes, 'B'), 'merged states', {
        text: '≤ merged states',
        maxRatio: 1,
      }),
      { scenario: 'calls', ours: fig(f.calls.calls, 'calls'), against: '—', target: '—' },
      compareRow(
        'pool bytes after / before',
        fig(f.poolAfter.bytes, 'B'),
        fig(f.poolBefore.bytes, 'B'),
        'pool before',
        {
          text: 'smaller after',
          maxRatio: 1,
        },
      ),
      compareRow(
        'pool files after / before',
        fig(f.poolAfter.files, 'count'),
        fig(f.poolBefore.files, 'count'),
        'pool before',
        undefined,
      ),
    ],
    notes: [`Garbage collection deleted ${f.deleted} files.`],
    raw: { ...f },
  }
}
