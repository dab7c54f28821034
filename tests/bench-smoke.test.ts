/**
 * Keeps the benchmark code alive: every scenario of `pnpm bench` at a tiny
 * size, against an in-process emulator. No timing is asserted (these are
 * benchmarks, not tests); only that each scenario produced numbers and that
 * the data arrived intact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createContext } from '../bench/context.ts'
import { entryFingerprint, generateDiary } from '../bench/data.ts'
import { summariseProfile } from '../bench/profile.ts'
import { formatFigure, renderResults } from '../bench/report.ts'
import { runSuite } from '../bench/suite.ts'
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
    }))
    results = await runSuite(ctx)
    // Every scenario runs here, with peers: on a loaded 2-core machine that takes minutes.
  }, 600_000)
  afterAll(() => dispose?.(), 60_000)

  it('runs every scenario, each with at least one row of numbers', () => {
    expect(results.map((r) => r.id)).toEqual([
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
    ])
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
    ])
    for (const run of raw.runs) expect(run.calls.calls).toBeGreaterThan(0)
    expect(byId('bootstrap').notes.some((n) => n.startsWith('Profile of bootstrap'))).toBe(true)
  })

  it('saves with one upload call, propagates every save, compacts and shrinks the pool', () => {
    expect((byId('per-save').raw as { uploadCalls: number }).uploadCalls).toBe(1)
    const runs = (byId('propagation').raw as { runs: Array<{ lost: number; saves: number }> }).runs
    expect(runs).toHaveLength(4)
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

  it('renders RESULTS.md with the summary and one table per scenario', () => {
    const markdown = renderResults(
      {
        command: 'pnpm bench',
        size: SIZE,
        quick: true,
        startedAt: 'now',
        durationMs: 1,
        machine: { cpu: 'cpu', cores: 2, ramGiB: 1, node: 'v20', os: 'os' },
      },
      results,
    )
    expect(markdown).toMatch(/^# y-dropbox benchmarks/)
    expect(markdown).toMatch(/## Targets: \d+ of \d+ met/)
    for (const result of results) expect(markdown).toContain(`## ${result.title}`)
  })
})

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
