/**
 * The growth section of RESULTS.md: every metric at each size, and the ratio
 * of the largest size to the one before (10× more entries: the goal is at
 * most 10× the cost, linear or better), plus the call and heap targets.
 */
import { compareRow, fig } from '../measure.ts'
import { formatFigure } from '../report.ts'
import type { Row, ScenarioResult, Unit } from '../types.ts'

/** Everything measured at one size. */
export interface GrowthPoint {
  size: number
  editsPerEntry: number
  stateBytes: number
  logBytes: number
  logFiles: number
  buildMs: number
  bootstrapLogs: { ms: number; calls: number; bytes: number }
  bootstrapSnapshot: { ms: number; calls: number; bytes: number }
  save: { uploadBytes: number; calls: number }
  /** FsLocalStore cold start; measured after every size, so missing from the partial results before. */
  cold?: { listMs: number; entryMs: number; allMs: number }
  memory: { openBytes: number; encodedBytes: number }
  /** Profile summaries (largest size only). */
  profiles: string[]
  totalMs: number
}

interface Metric {
  label: string
  unit: Unit
  /** The figure, if measured. */
  of: (p: GrowthPoint) => number | undefined
}

const METRICS: Metric[] = [
  { label: 'bootstrap, logs only: time to joined', unit: 'ms', of: (p) => p.bootstrapLogs.ms },
  { label: 'bootstrap, logs only: remote calls', unit: 'calls', of: (p) => p.bootstrapLogs.calls },
  { label: 'bootstrap after compaction: time to joined', unit: 'ms', of: (p) => p.bootstrapSnapshot.ms },
  { label: 'bootstrap after compaction: remote calls', unit: 'calls', of: (p) => p.bootstrapSnapshot.calls },
  { label: 'cold start (FsLocalStore): list ready', unit: 'ms', of: (p) => p.cold?.listMs },
  { label: 'cold start (FsLocalStore): one entry open', unit: 'ms', of: (p) => p.cold?.entryMs },
  { label: 'cold start (FsLocalStore): every entry opened', unit: 'ms', of: (p) => p.cold?.allMs },
  { label: 'heap, every entry listed and 20 open', unit: 'B', of: (p) => p.memory.openBytes },
  { label: 'per save: bytes uploaded', unit: 'B', of: (p) => p.save.uploadBytes },
  { label: 'per save: calls (saving device and one other)', unit: 'calls', of: (p) => p.save.calls },
]

const n = (x: number) => x.toLocaleString('en')

/** The growth table and its notes. */
export function growthResult(points: GrowthPoint[]): ScenarioResult {
  const sorted = [...points].sort((a, b) => a.size - b.size)
  const big = sorted.at(-1)
  const before = sorted.at(-2)
  const rows: Row[] = []
  if (big && before) {
    const growth = big.size / before.size
    for (const m of METRICS) {
      const [ours, baseline] = [m.of(big), m.of(before)]
      if (ours === undefined || baseline === undefined) continue
      rows.push(
        compareRow(
          `${m.label}, ${n(big.size)} vs ${n(before.size)}`,
          fig(ours, m.unit),
          fig(baseline, m.unit),
          `at ${n(before.size)}`,
          { text: `≤ ${growth}×`, maxRatio: growth },
        ),
      )
    }
  }
  for (const p of sorted) {
    for (const [label, b] of [
      ['logs only', p.bootstrapLogs],
      ['after compaction', p.bootstrapSnapshot],
    ] as const) {
      const limit = Math.ceil(b.bytes / (4 * 1024 * 1024)) + 5
      rows.push({
        scenario: `bootstrap ${label} at ${n(p.size)}: remote calls`,
        ours: fig(b.calls, 'calls'),
        baseline: fig(limit, 'calls'),
        against: 'ceil(bytes / 4 MiB) + 5',
        ratio: b.calls / limit,
        target: `≤ ${limit}`,
        met: b.calls <= limit,
      })
    }
  }
  if (big) {
    rows.push(
      compareRow(
        `heap at ${n(big.size)}, every entry listed and 20 open`,
        fig(big.memory.openBytes, 'B'),
        fig(big.memory.encodedBytes, 'B'),
        'encoded size of the entries',
        { text: '≤ 3×', maxRatio: 3 },
      ),
    )
  }
  return {
    id: 'growth',
    title: '10. Growth: 1,000 to 100,000 entries',
    about:
      `The diary at ${sorted.map((p) => n(p.size)).join(', ')} entries, each with ${sorted[0]?.editsPerEntry ?? '?'} ` +
      "edits (fewer than the main run's 20, at every size alike, so 100,000 entries fit the run's time), each " +
      'size on a fresh emulator: first a device holding the diary, written to its LocalStore (FsLocalStore on ' +
      'disk; IndexedDB is measured in a real browser in scenario 9), and its heap, and the pool written in one ' +
      'sync per edit round, on an emulator that stays up. Then new devices join on the logs (each in a process ' +
      'of its own, as on a real device), the pools are compacted, new devices join after compaction (the ' +
      "same), saves are measured, and each size's device is reopened from its LocalStore in a process of its " +
      'own. The joins and the reopenings take turns, size after size, three rounds (medians), so that the ' +
      'sizes meet the machine alike: the same start of 100,000 entries took 4.5 s, and 6.5–7.0 s 20 minutes ' +
      'later. Rows compare the largest size with the one ' +
      'before: 10× the entries should cost at most 10×.',
    rows,
    notes: [pointsTable(sorted), ...sorted.flatMap((p) => p.profiles)],
    raw: { points: sorted },
  }
}

/** Every metric at every size, as a markdown table. */
function pointsTable(points: GrowthPoint[]): string {
  const header = ['metric', ...points.map((p) => `${n(p.size)} entries`)]
  const lines = [
    ...METRICS.map((m) => [
      m.label,
      ...points.map((p) => {
        const value = m.of(p)
        return value === undefined ? '–' : formatFigure(fig(value, m.unit))
      }),
    ]),
    ['encoded size of the entries', ...points.map((p) => formatFigure(fig(p.stateBytes, 'B')))],
    [
      'log files / bytes before compaction',
      ...points.map((p) => `${p.logFiles} / ${formatFigure(fig(p.logBytes, 'B'))}`),
    ],
    ['time to write the pool', ...points.map((p) => formatFigure(fig(p.buildMs, 'ms')))],
    ['time for the whole size', ...points.map((p) => formatFigure(fig(p.totalMs, 'ms')))],
  ]
  const widths = header.map((h, i) => Math.max(3, h.length, ...lines.map((l) => l[i]!.length)))
  const row = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`
  return [row(header), rule, ...lines.map(row)].join('\n')
}
