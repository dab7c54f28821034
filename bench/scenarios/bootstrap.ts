/**
 * Scenario 1, bootstrap: a new device joins the pool over the emulator
 * (DropboxBlobStore → emulator on loopback), (a) after compaction and (b) with
 * only logs. Time, remote calls, bytes downloaded, against `Y.applyUpdate` of
 * the same states from memory into fresh Y.Docs.
 */
import { MemoryLocalStore, SyncEngine } from '@y-dropbox/core'
import type { DropboxBlobStore } from '@y-dropbox/dropbox-provider'
import * as Y from 'yjs'
import { type Diary, entryFingerprint, readEntry, summarizeEntry } from '../data.ts'
import { collectGarbage, compareRow, fig, medianTime, now } from '../measure.ts'
import { NEVER_COMPACT, type Pool } from '../pool.ts'
import { type Calls, countCalls, openStore } from '../remote.ts'
import type { BenchContext, Row, ScenarioResult } from '../types.ts'

/** How the pool looks when the device joins. */
export type BootstrapMode = 'snapshot' | 'logs'

/** Network weather of a bootstrap: latency of every request, and one request in `rateLimitOneIn` answering 429. */
export interface Weather {
  latencyMs: number
  rateLimitOneIn?: number
}

/** One measured bootstrap. */
export interface BootstrapFigures {
  mode: BootstrapMode
  /** Absent: no latency added (loopback). */
  weather?: Weather
  ms: number
  calls: Calls
  baselineMs: number
  listed: number
  /** The profile's summary (a paragraph for RESULTS.md), when profiled. */
  profile?: string
}

/** A new device (MemoryLocalStore) joins the pool under `root`; resolves once `activate()` did. */
export async function joinPool(
  store: DropboxBlobStore,
  root: string,
): Promise<{ engine: SyncEngine; local: MemoryLocalStore; ms: number }> {
  const local = new MemoryLocalStore()
  const start = now()
  const engine = await SyncEngine.open({
    remote: store,
    local,
    root,
    deviceName: 'new device',
    autoSync: false,
    summarize: summarizeEntry,
    onError: () => {},
    // A joining device must not start compacting the logs it is being measured on.
    ...NEVER_COMPACT,
  })
  await engine.activate()
  return { engine, local, ms: now() - start }
}

/** Joins the pool as a new device, checks it has every entry, and measures the baseline. */
export async function measureBootstrap(
  ctx: BenchContext,
  pool: Pool,
  mode: BootstrapMode,
  options: { baseline?: boolean } = {},
): Promise<BootstrapFigures> {
  ctx.progress.phase(`Bootstrap (${modeLabel(mode)})`, 3)
  const store = await openStore(ctx.remote)
  collectGarbage()
  const { result, calls } = await countCalls(ctx.remote, () => joinPool(store, pool.root))
  ctx.progress.tick()
  await checkDevice(result.engine, pool.diary)
  ctx.progress.tick()
  const baselineMs =
    options.baseline === false ? Number.NaN : await medianTime(3, () => applyFromMemory(pool.diary, mode))
  ctx.progress.tick()
  const listed = result.engine.list().length
  ctx.figures.set(`bootstrap.${mode}.ms`, result.ms)
  ctx.figures.set(`bootstrap.${mode}.calls`, calls.calls)
  ctx.figures.set(`bootstrap.${mode}.bytes`, calls.bytesDown)
  if (mode === 'snapshot') pool.joined = { engine: result.engine, store, local: result.local }
  else await result.engine.close()
  return { mode, ms: result.ms, calls, baselineMs, listed }
}

/**
 * A new device joins the pool through weather (latency on every request, some
 * 429s); checked like the plain bootstrap, compared with it.
 */
export async function measureWeatherBootstrap(
  ctx: BenchContext,
  pool: Pool,
  mode: BootstrapMode,
  weather: Weather,
): Promise<BootstrapFigures> {
  ctx.progress.phase(`Bootstrap (${modeLabel(mode)}, ${weatherLabel(weather)})`, 2)
  const store = await openStore(ctx.remote)
  await ctx.remote.addFault({ fault: 'latency', latencyMs: weather.latencyMs })
  if (weather.rateLimitOneIn) {
    const probability = 1 / weather.rateLimitOneIn
    await ctx.remote.addFault({ fault: 'rate-limit', retryAfterSeconds: 1, probability })
  }
  try {
    collectGarbage()
    const { result, calls } = await countCalls(ctx.remote, () => joinPool(store, pool.root))
    ctx.progress.tick()
    await ctx.remote.clearFaults()
    await checkDevice(result.engine, pool.diary)
    const listed = result.engine.list().length
    await result.engine.close()
    ctx.progress.tick()
    const plain = ctx.figures.get(`bootstrap.${mode}.ms`) ?? Number.NaN
    return { mode, weather, ms: result.ms, calls, baselineMs: plain, listed }
  } finally {
    await ctx.remote.clearFaults()
  }
}

function modeLabel(mode: BootstrapMode): string {
  return mode === 'snapshot' ? 'after compaction' : 'logs only'
}

/** `150 ms latency, 1 in 50 requests 429`. */
export function weatherLabel(w: Weather): string {
  return `${w.latencyMs} ms latency${w.rateLimitOneIn ? `, 1 in ${w.rateLimitOneIn} requests 429` : ''}`
}

/** The physical baseline: the same states applied from memory into fresh Y.Docs. */
export function applyFromMemory(diary: Diary, mode: BootstrapMode): void {
  for (const entry of diary.entries) {
    const doc = new Y.Doc()
    if (mode === 'snapshot') Y.applyUpdate(doc, entry.state)
    else for (const update of entry.updates) Y.applyUpdate(doc, update)
    doc.destroy()
  }
}

/** Throws unless the device lists every entry and a sample of them reads back as generated. */
export async function checkDevice(engine: SyncEngine, diary: Diary): Promise<void> {
  const ids = new Set(engine.list().map((d) => d.id))
  const missing = diary.entries.filter((e) => !ids.has(e.id))
  if (missing.length > 0)
    throw new Error(`bootstrap: ${missing.length} entries are not listed (first ${missing[0]!.id})`)
  const step = Math.max(1, Math.floor(diary.entries.length / 7))
  for (let i = 0; i < diary.entries.length; i += step) {
    const entry = diary.entries[i]!
    const doc = await engine.doc(entry.id)
    const got = readEntry(doc)
    doc.destroy()
    if (entryFingerprint(got) !== entryFingerprint(entry)) {
      throw new Error(`bootstrap: entry ${entry.id} does not read back as it was written`)
    }
  }
}

/** The rows of one bootstrap. */
export function bootstrapRows(f: BootstrapFigures): Row[] {
  const label = f.mode === 'snapshot' ? '(a) after compaction' : '(b) logs only'
  if (f.weather) {
    const routes = Object.entries(f.calls.routes)
      .map(([r, n]) => `${r.replace(/^files\//, '')} ${n}`)
      .join(', ')
    return [
      compareRow(
        `${label}, ${weatherLabel(f.weather)}: time to joined`,
        fig(f.ms, 'ms'),
        fig(f.baselineMs, 'ms'),
        'the same bootstrap on loopback',
        undefined,
      ),
      {
        scenario: `${label}, ${weatherLabel(f.weather)}: remote calls (429s included)`,
        ours: fig(f.calls.calls, 'calls'),
        against: routes,
        target: '—',
      },
    ]
  }
  const callLimit = Math.ceil(f.calls.bytesDown / (4 * 1024 * 1024)) + 5
  return [
    compareRow(
      `${label}: time to joined`,
      fig(f.ms, 'ms'),
      fig(f.baselineMs, 'ms'),
      'Y.applyUpdate from memory',
      {
        text: '≤ 1.5× baseline',
        maxRatio: 1.5,
      },
    ),
    {
      scenario: `${label}: remote calls`,
      ours: fig(f.calls.calls, 'calls'),
      baseline: fig(callLimit, 'calls'),
      against: 'ceil(bytes / 4 MiB) + 5',
      ratio: f.calls.calls / callLimit,
      target: `≤ ${callLimit}`,
      met: f.calls.calls <= callLimit,
    },
    {
      scenario: `${label}: bytes downloaded`,
      ours: fig(f.calls.bytesDown, 'B'),
      against: '—',
      target: '—',
    },
  ]
}

/** The bootstrap table. */
export function bootstrapResult(ctx: BenchContext, pool: Pool, runs: BootstrapFigures[]): ScenarioResult {
  const notes: string[] = []
  for (const run of runs) {
    if (run.profile) notes.push(run.profile)
  }
  for (const run of runs.filter((r) => !r.weather)) {
    notes.push(
      `Calls of (${run.mode === 'snapshot' ? 'a' : 'b'}) by route: ${Object.entries(run.calls.routes)
        .map(([r, n]) => `${r} ${n}`)
        .join(', ')}.`,
    )
  }
  return {
    id: 'bootstrap',
    title: '1. Bootstrap: a new device joins the pool',
    about:
      `A new device (MemoryLocalStore) joins a pool of ${pool.diary.entries.length.toLocaleString('en')} entries / ` +
      `${pool.diary.edits.toLocaleString('en')} edits written by one device in ${ctx.editsPerEntry} syncs ` +
      `(${pool.logFiles} files, ${pool.logBytes.toLocaleString('en')} bytes of logs), through DropboxBlobStore → emulator ` +
      'on loopback, until `activate()` resolves. (b) runs first, on the logs only; (a) after compaction and garbage ' +
      "collection. Baseline: `Y.applyUpdate` of the same states (a: each entry's state; b: every logged update) from " +
      'memory into fresh Y.Docs, median of 3. The same bootstraps are repeated through weather: latency added by ' +
      'the emulator to every request, and with one request in 50 answering 429 `Retry-After: 1`.',
    rows: runs.flatMap(bootstrapRows),
    notes,
    raw: { pool: { logFiles: pool.logFiles, logBytes: pool.logBytes, buildMs: pool.buildMs }, runs },
  }
}
