/**
 * `pnpm bench`: measures y-dropbox against its peers and the raw cost of the
 * work, and writes `bench/RESULTS.md` and `bench/results.json`. With
 * `--growth`, measures how the costs grow from 1,000 to 100,000 entries
 * instead (`bench/growth.json`, its own section of RESULTS.md). Ctrl+C writes
 * what finished so far.
 *
 * Usage: node --expose-gc --conditions=source --import tsx bench/run.ts [--size 10000] [--quick]
 *        [--growth] [--out <dir>] [--no-profile] [--budget <s>] [--saves <n>]
 */
import { parseArgs } from 'node:util'
import { createContext } from './context.ts'
import { GROWTH_SIZES, measureGrowth } from './growth.ts'
import { canCollectGarbage } from './measure.ts'
import { type Display, progressDisplay } from './progress.ts'
import { describeMachine, type RunInfo, type RunKind, writeResults } from './report.ts'
import { type GrowthPoint, growthResult } from './scenarios/growth-table.ts'
import { runSuite, SUITE_STEPS } from './suite.ts'
import type { ScenarioResult } from './types.ts'

const USAGE = `Usage: pnpm bench [-- options]

  --size <n>      entries in the diary (default 10000; 1000 with --quick)
  --quick         fewer saves, shorter peer budgets, 1,000 entries: a few minutes
  --growth        the growth run instead: ${GROWTH_SIZES.map((s) => s.toLocaleString('en')).join(' / ')} entries (up to 45 minutes)
  --out <dir>     where RESULTS.md and the JSON go (default: bench/)
  --no-profile    skip the CPU profiles of the bootstrap
  --budget <s>    time budget of each slow peer phase (default 60, 15 with --quick)
  --saves <n>     saves per propagation configuration (default 200, 20 with --quick)
  -h, --help      this text
`

function options() {
  const { values } = parseArgs({
    options: {
      size: { type: 'string' },
      quick: { type: 'boolean', default: false },
      growth: { type: 'boolean', default: false },
      out: { type: 'string' },
      'no-profile': { type: 'boolean', default: false },
      budget: { type: 'string' },
      saves: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  const positive = (raw: string | undefined, name: string): number | undefined => {
    if (raw === undefined) return undefined
    const n = Number(raw)
    if (!Number.isInteger(n) || n < 1)
      throw new RangeError(`${name} must be a positive integer, got "${raw}"`)
    return n
  }
  const quick = values.quick ?? false
  const budget = positive(values.budget, '--budget')
  return {
    help: values.help ?? false,
    quick,
    growth: values.growth ?? false,
    size: positive(values.size, '--size') ?? (quick ? 1000 : 10_000),
    out: values.out ?? new URL('.', import.meta.url).pathname,
    profile: !values['no-profile'],
    peerBudgetMs: budget === undefined ? undefined : budget * 1000,
    saves: positive(values.saves, '--saves'),
  }
}

type Options = ReturnType<typeof options>

/** Runs the main suite, pushing each finished scenario into `results`. */
async function main(o: Options, display: Display, results: ScenarioResult[]): Promise<void> {
  const { ctx, dispose } = await createContext({
    size: o.size,
    quick: o.quick,
    profile: o.profile,
    progress: display.progress,
    ...(o.peerBudgetMs ? { peerBudgetMs: o.peerBudgetMs } : {}),
    ...(o.saves ? { saves: o.saves } : {}),
  })
  try {
    await runSuite(ctx, display.scenario, results)
  } finally {
    await dispose()
  }
}

/** Runs the growth sizes, keeping each finished size in `points` (and its result in `results`). */
async function growth(o: Options, display: Display, results: ScenarioResult[], points: GrowthPoint[]) {
  await measureGrowth({
    progress: display.progress,
    profile: o.profile,
    onSize: (size) => display.scenario(`Growth: ${size.toLocaleString('en')} entries`, size),
    onPoints: (measured) => {
      points.splice(0, points.length, ...measured)
      results.splice(0, results.length, growthResult(points))
    },
  })
}

async function run(): Promise<void> {
  const o = options()
  if (o.help) {
    process.stdout.write(USAGE)
    return
  }
  if (!canCollectGarbage())
    process.stderr.write('Run with --expose-gc (pnpm bench does): heap figures include garbage.\n')
  const started = new Date()
  const kind: RunKind = o.growth ? 'growth' : 'main'
  // The growth run's sizes weigh as many entries they hold, so the time left follows the largest.
  const display = progressDisplay(o.growth ? GROWTH_SIZES.reduce((a, b) => a + b, 0) : SUITE_STEPS)
  const results: ScenarioResult[] = []
  const points: GrowthPoint[] = []
  const args = process.argv.slice(2).join(' ')
  const info = (interrupted: boolean): RunInfo => ({
    command: `pnpm bench${args ? ` -- ${args}` : ''}`,
    size: o.growth ? Math.max(...GROWTH_SIZES) : o.size,
    quick: o.quick,
    startedAt: started.toISOString(),
    durationMs: Date.now() - started.getTime(),
    machine: describeMachine(),
    ...(interrupted ? { interrupted } : {}),
  })
  const save = async (interrupted: boolean) => {
    const markdown = await writeResults(o.out, kind, { info: info(interrupted), results })
    const rows = results.flatMap((s) => s.rows.filter((r) => r.met !== undefined))
    const met = rows.filter((r) => r.met).length
    const minutes = (info(interrupted).durationMs / 60_000).toFixed(1)
    process.stdout.write(`Wrote ${markdown}: ${met} of ${rows.length} targets met, ${minutes} min.\n`)
  }
  // Ctrl+C: write what finished, then stop (the emulator child gets the same signal and exits).
  process.once('SIGINT', () => {
    display.stop()
    process.stderr.write('\nInterrupted: writing the results of the scenarios that finished.\n')
    save(true).then(
      () => process.exit(130),
      (error: unknown) => {
        process.stderr.write(`could not write the partial results: ${String(error)}\n`)
        process.exit(130)
      },
    )
  })
  try {
    if (o.growth) await growth(o, display, results, points)
    else await main(o, display, results)
  } finally {
    display.stop()
  }
  await save(false)
}

run().catch((error: unknown) => {
  process.stderr.write(
    `\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  )
  process.exit(1)
})
