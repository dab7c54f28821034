/**
 * Keeps the benchmark code alive: every scenario of `pnpm bench` at a tiny
 * size, against an in-process emulator. No timing is asserted (these are
 * benchmarks, not tests); only that each scenario produced numbers and that
 * the data arrived intact.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createContext } from '../bench/context.ts'
import { entryFingerprint, generateDiary } from '../bench/data.ts'
import { measureGrowth } from '../bench/growth.ts'
import { summariseProfile } from '../bench/profile.ts'
import { formatFigure, type RunInfo, renderResults, writeResults } from '../bench/report.ts'
import { type BundleFigures, CORE_BUDGET_BYTES, measureBundle } from '../bench/scenarios/bundle-size.ts'
import { growthResult } from '../bench/scenarios/growth-table.ts'
import { runSuite, SCENARIOS } from '../bench/suite.ts'
import type { BenchContext, ScenarioResult } from '../bench/types.ts'

const SIZE = 12

describe('bench at a smoke size', () => {
  let ctx: BenchContext
  let dispose: () => Promise<void>
  let results: ScenarioResult[]
  const byId = (id: string) => {
    const found = results.find((r) => r.id === id)
    if (!found) throw new Error(`no result for scenario ${id}`)
    return found
  }

  beforeAll(async () => {
    ;({ ctx, dispose } = await createContext({
      size: SIZE,
      quick: true,
      editsPerEntry: 5,
      saves: 2,
      peerBudgetMs: 20_000,
      emulator: 'in-process',
      deviceCounts: [2, 3],
      idleHours: 0.1,
    }))
    results = await runSuite(ctx)
    // A loaded 2-core machine: the suite (Chromium, fleets of devices, peers) may take minutes.
  }, 900_000)
  afterAll(() => dispose?.(), 60_000)

  it('runs every scenario, each with at least one row of numbers', () => {
    expect(results.map((r) => r.id)).toEqual(SCENARIOS)
    for (const result of results) {
      const numbers = result.rows.filter((r) => typeof r.ours === 'object' || typeof r.baseline === 'object')
      expect(numbers.length, result.id).toBeGreaterThan(0)
      for (const row of numbers) {
        for (const f of [row.ours, row.baseline]) {
          if (typeof f === 'object')
            expect(Number.isFinite(f.value), `${result.id}: ${row.scenario}`).toBe(true)
        }
      }
    }
  })

  it('bootstraps a device that lists every entry, before and after compaction, and profiles it', () => {
    const raw = byId('bootstrap').raw as {
      runs: Array<{ mode: string; listed: number; calls: { calls: number } }>
    }
    expect(raw.runs.map((r) => [r.mode, r.listed])).toEqual([
      ['snapshot', SIZE],
      ['logs', SIZE],
      // Through weather: 50 ms, then 150 ms with 429s; after compaction, then on the logs.
      ['snapshot', SIZE],
      ['snapshot', SIZE],
      ['logs', SIZE],
      ['logs', SIZE],
    ])
    for (const run of raw.runs) expect(run.calls.calls).toBeGreaterThan(0)
    expect(byId('bootstrap').notes.some((n) => n.startsWith('Profile of bootstrap'))).toBe(true)
  })

  it('saves with one upload call, propagates every save, compacts and shrinks the pool', () => {
    expect((byId('per-save').raw as { uploadCalls: number }).uploadCalls).toBe(1)
    const runs = (byId('propagation').raw as { runs: Array<{ lost: number; saves: number }> }).runs
    expect(runs).toHaveLength(6)
    for (const run of runs) expect(run).toMatchObject({ lost: 0, saves: 2 })
    const compaction = byId('compaction').raw as {
      poolBefore: { bytes: number }
      poolAfter: { bytes: number }
    }
    expect(compaction.poolAfter.bytes).toBeLessThan(compaction.poolBefore.bytes)
  })

  it('measures every peer on the whole diary (the budget is ample at this size)', () => {
    expect(byId('peer-automerge').raw).toMatchObject({ target: SIZE, stored: SIZE, loaded: SIZE })
    expect(byId('peer-y-indexeddb').raw).toMatchObject({ target: SIZE, stored: SIZE, opened: SIZE })
    expect(byId('peer-file-per-entry').raw).toMatchObject({ entries: SIZE })
  })

  it('reaches every device of each fleet and counts the idle calls of watching and polling devices', () => {
    const runs = (byId('devices').raw as { runs: Array<Record<string, unknown>> }).runs
    expect(runs.map((r) => [r.devices, r.lost])).toEqual([
      [2, 0],
      [3, 0],
    ])
    for (const run of runs) {
      const idle = run.idle as Array<{ watch: boolean; perDeviceHour: number }>
      expect(idle.map((i) => i.watch)).toEqual([true, false])
      // Polling makes a round every interval whatever happens; watching long-polls.
      for (const i of idle) expect(i.perDeviceHour).toBeGreaterThan(0)
    }
  })

  it('measures the diary in Chromium against y-indexeddb, and a bootstrap from the browser', () => {
    const raw = byId('chromium').raw as Record<string, unknown>
    expect(raw).toMatchObject({ entries: SIZE, perEntry: { opened: SIZE } })
    expect((raw.bootstrap as { listed: number }).listed).toBe(SIZE)
    expect(byId('chromium').rows.some((r) => r.target === '≤ 0.1× peer')).toBe(true)
    // The same cold starts with IndexedDB started first, so its start is told apart from the engine's part.
    const started = raw.started as { listMs: number; oneDocMs: number; idbMs: number }
    for (const ms of Object.values(started)) expect(ms).toBeGreaterThan(0)
    expect(byId('chromium').rows.some((r) => r.scenario.includes('IndexedDB already started'))).toBe(true)
  })

  it('measures the browser bundles: core alone within its budget, the app with the provider and the SDK', async () => {
    const raw = byId('bundle-size').raw as { app: BundleFigures; core: BundleFigures; yjs: BundleFigures }
    expect(raw.core.gzip).toBeGreaterThan(raw.yjs.gzip)
    expect(raw.app.gzip).toBeGreaterThan(raw.core.gzip)
    expect(raw.core.gzip).toBeLessThanOrEqual(CORE_BUDGET_BYTES)
    for (const b of [raw.app, raw.core]) expect(b.gzip).toBeLessThan(b.minified)
    expect(Object.keys(raw.app.byPackage)).toEqual(
      expect.arrayContaining(['dropbox', 'yjs', 'lib0', '@y-dropbox/core', '@y-dropbox/dropbox-provider']),
    )
    expect(Object.keys(raw.core.byPackage)).not.toContain('dropbox')
    expect(raw.core.lazyGzip).toBeGreaterThan(0)
    expect(byId('bundle-size').notes.at(-1)).toMatch(
      /fflate \(where CompressionStream is missing\), [\d.]+ KiB min\+gzip\.$/,
    )
    // A Node built-in cannot reach a browser bundle: the build fails instead.
    await expect(measureBundle(["export { FsBlobStore } from '@y-dropbox/core/node'"])).rejects.toThrow(
      /node:/,
    )
  })

  it('renders RESULTS.md with the summary and one table per scenario, and marks an interrupted run', async () => {
    const markdown = renderResults({ info: info(), results })
    expect(markdown).toMatch(/^# y-dropbox benchmarks/)
    expect(markdown).toMatch(/## Targets: \d+ of \d+ met/)
    for (const result of results) expect(markdown).toContain(`## ${result.title}`)
    const dir = await mkdtemp(join(tmpdir(), 'bench-results-'))
    try {
      await writeResults(dir, 'main', { info: info({ interrupted: true }), results: results.slice(0, 2) })
      const partial = await readFile(join(dir, 'RESULTS.md'), 'utf8')
      expect(partial).toContain('**Interrupted**')
      expect(partial).toContain(`## ${results[1]!.title}`)
      expect(partial).not.toContain(`## ${results[2]!.title}`)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('bench growth at a smoke size', () => {
  it("measures every size and writes its section beside the main run's", async () => {
    const told: Array<Array<{ size: number; cold: boolean }>> = []
    const points = await measureGrowth({
      sizes: [6, 12],
      editsPerEntry: 3,
      emulator: 'in-process',
      profile: false,
      progress: { phase: () => {}, tick: () => {} },
      onPoints: (measured) => told.push(measured.map((p) => ({ size: p.size, cold: p.cold !== undefined }))),
    })
    // Told after each size without its cold start, then once more with every size's.
    expect(told).toEqual([
      [{ size: 6, cold: false }],
      [
        { size: 6, cold: false },
        { size: 12, cold: false },
      ],
      [
        { size: 6, cold: true },
        { size: 12, cold: true },
      ],
    ])
    expect(points.map((p) => p.size)).toEqual([6, 12])
    for (const p of points) {
      expect(p.bootstrapLogs.calls).toBeGreaterThan(0)
      expect(p.cold!.listMs).toBeGreaterThan(0)
      // Medians of separate rounds: at a smoke size, every entry takes about as long as one.
      expect(p.cold!.allMs).toBeGreaterThan(0)
    }
    const growth = growthResult(points)
    expect(growth.rows.filter((r) => r.scenario.includes('12 vs 6'))).toHaveLength(10)
    expect(growth.notes[0]).toMatch(/^\| metric +\| +6 entries \| +12 entries \|/)
    const dir = await mkdtemp(join(tmpdir(), 'bench-growth-'))
    try {
      await writeResults(dir, 'growth', {
        info: info({ command: 'pnpm bench -- --growth' }),
        results: [growth],
      })
      const markdown = await readFile(join(dir, 'RESULTS.md'), 'utf8')
      expect(markdown).toContain('Growth run: `pnpm bench -- --growth`')
      expect(markdown).toContain(`## ${growth.title}`)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 600_000)
})

/** Run information for rendering tests. */
function info(extra: Partial<RunInfo> = {}): RunInfo {
  return {
    command: 'pnpm bench',
    size: SIZE,
    quick: true,
    startedAt: 'now',
    durationMs: 1,
    machine: { cpu: 'cpu', cores: 2, ramGiB: 1, node: 'v20', os: 'os' },
    ...extra,
  }
}

describe('bench helpers', () => {
  it('generates the same diary from the same seed, each edit one update', () => {
    const a = generateDiary({ entries: 3, editsPerEntry: 6, seed: 9 })
    const b = generateDiary({ entries: 3, editsPerEntry: 6, seed: 9 })
    expect(a.entries.map((e) => e.state)).toEqual(b.entries.map((e) => e.state))
    for (const e of a.entries) expect(e.updates).toHaveLength(6)
    expect(entryFingerprint(a.entries[0]!)).not.toBe(
      entryFingerprint(generateDiary({ entries: 1, seed: 10 }).entries[0]!),
    )
  })

  it('sums self time per function inside the window only', () => {
    const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0, columnNumber: 0 })
    const summary = summariseProfile(
      {
        nodes: [
          { id: 1, callFrame: frame('(idle)') },
          { id: 2, callFrame: frame('applyUpdate', 'file:///x/node_modules/yjs/dist/yjs.mjs') },
          { id: 3, callFrame: frame('startup', 'node:internal/x') },
        ],
        startTime: 1000,
        samples: [3, 2, 2, 1, 2],
        timeDeltas: [0, 100, 100, 100, 100],
      },
      { fromUs: 1050, toUs: 1500 },
    )
    expect(summary.top[0]).toMatchObject({ where: 'applyUpdate (yjs/dist/yjs.mjs:1)', ms: 0.2 })
    expect(summary.areas.map((a) => a.area)).toEqual(['yjs'])
    expect(formatFigure({ value: 3 * 2 ** 20, unit: 'B' })).toBe('3.00 MiB')
  })
})
