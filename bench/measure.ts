/** Small measuring helpers: clocks, garbage collection, percentiles, folder sizes. */
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Figure, Row, Unit } from './types.ts'

/** Milliseconds since an arbitrary origin, sub-millisecond precision. */
export function now(): number {
  return performance.now()
}

/** Runs `task` and returns its result with the time it took. */
export async function timed<T>(task: () => Promise<T> | T): Promise<{ result: T; ms: number }> {
  const start = now()
  const result = await task()
  return { result, ms: now() - start }
}

/** Collects garbage when Node runs with `--expose-gc` (a few passes, so weak and finalised objects go too). */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) return
  for (let i = 0; i < 3; i++) gc()
}

/**
 * Collects garbage until the heap settles: several passes with pauses, so
 * timers that release memory (closed sockets, finalisers) have run.
 */
export async function settleHeap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    collectGarbage()
    await sleep(30)
  }
  collectGarbage()
  return process.memoryUsage().heapUsed
}

/** True when heap figures mean something (`--expose-gc`). */
export function canCollectGarbage(): boolean {
  return typeof (globalThis as { gc?: unknown }).gc === 'function'
}

/** The p-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!
}

/** The median of `values`. */
export function median(values: number[]): number {
  return percentile(values, 50)
}

/** Runs `task` `times` times and returns the median time. */
export async function medianTime(times: number, task: () => Promise<unknown> | unknown): Promise<number> {
  const runs: number[] = []
  for (let i = 0; i < times; i++) runs.push((await timed(task)).ms)
  return median(runs)
}

/** Total size of the files under a folder. */
export async function folderBytes(dir: string): Promise<number> {
  let total = 0
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) total += await folderBytes(path)
    else if (entry.isFile()) total += (await stat(path)).size
  }
  return total
}

/** Waits `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** A figure. */
export function fig(value: number, unit: Unit): Figure {
  return { value, unit }
}

/**
 * A row comparing two figures: the ratio is ours / baseline, and the target
 * is met when `ours <= limit` (`limit` in the figures' unit; default: the
 * baseline times `maxRatio`).
 */
export function compareRow(
  scenario: string,
  ours: Figure,
  baseline: Figure,
  against: string,
  target: { text: string; maxRatio?: number; limit?: number } | undefined,
): Row {
  const row: Row = { scenario, ours, baseline, against, target: target?.text ?? '—' }
  if (baseline.value > 0) row.ratio = ours.value / baseline.value
  if (target) {
    const limit = target.limit ?? baseline.value * (target.maxRatio ?? 1)
    row.met = ours.value <= limit
  }
  return row
}
