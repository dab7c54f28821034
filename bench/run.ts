/**
 * `pnpm bench`: measures y-dropbox against its peers and the raw cost of the
 * work, and writes `bench/RESULTS.md` and `bench/results.json`.
 *
 * Usage: node --expose-gc --conditions=source --import tsx bench/run.ts [--size 10000] [--quick]
 *        [--out <dir>] [--no-profile] [--budget <s>] [--saves <n>]
 */
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import cliProgress from 'cli-progress'
import { createContext } from './context.ts'
import { canCollectGarbage } from './measure.ts'
import { describeMachine, writeResults } from './report.ts'
import { runSuite } from './suite.ts'
import type { Progress } from './types.ts'

const USAGE = `Usage: pnpm bench [-- options]

  --size <n>      entries in the diary (default 10000; 1000 with --quick)
  --quick         fewer saves, shorter peer budgets, 1,000 entries: about 2 minutes
  --out <dir>     where RESULTS.md and results.json go (default: bench/)
  --no-profile    skip the CPU profile of the bootstrap
  --budget <s>    time budget of each slow peer phase (default 60, 15 with --quick)
  --saves <n>     saves per propagation configuration (default 200, 20 with --quick)
  -h, --help      this text
`

function options() {
  const { values } = parseArgs({
    options: {
      size: { type: 'string' },
      quick: { type: 'boolean', default: false },
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
    size: positive(values.size, '--size') ?? (quick ? 1000 : 10_000),
    out: values.out ?? new URL('.', import.meta.url).pathname,
    profile: !values['no-profile'],
    peerBudgetMs: budget === undefined ? undefined : budget * 1000,
    saves: positive(values.saves, '--saves'),
  }
}

/** A cli-progress bar on a terminal; one line per phase otherwise. */
function progressDisplay(): { progress: Progress; scenario: (name: string) => void; stop: () => void } {
  let scenario = ''
  if (!process.stderr.isTTY) {
    return {
      progress: { phase: (label) => process.stderr.write(`  ${label}\n`), tick: () => {} },
      scenario: (name) => process.stderr.write(`${name}\n`),
      stop: () => {},
    }
  }
  const bar = new cliProgress.SingleBar(
    { format: '{bar} {value}/{total} | {scenario} | {phase} | {duration_formatted}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  )
  bar.start(1, 0, { scenario: 'starting', phase: '' })
  return {
    progress: {
      phase: (label, total) => {
        bar.setTotal(Math.max(1, total))
        bar.update(0, { phase: label, scenario })
      },
      tick: (steps = 1) => bar.increment(steps),
    },
    scenario: (name) => {
      scenario = name
      bar.update({ scenario })
    },
    stop: () => bar.stop(),
  }
}

async function main(): Promise<void> {
  const o = options()
  if (o.help) {
    process.stdout.write(USAGE)
    return
  }
  if (!canCollectGarbage())
    process.stderr.write('Run with --expose-gc (pnpm bench does): heap figures include garbage.\n')
  const started = new Date()
  const display = progressDisplay()
  const { ctx, dispose } = await createContext({
    size: o.size,
    quick: o.quick,
    profile: o.profile,
    progress: display.progress,
    ...(o.peerBudgetMs ? { peerBudgetMs: o.peerBudgetMs } : {}),
    ...(o.saves ? { saves: o.saves } : {}),
  })
  try {
    const results = await runSuite(ctx, display.scenario)
    display.stop()
    const args = process.argv.slice(2).join(' ')
    const info = {
      command: `pnpm bench${args ? ` -- ${args}` : ''}`,
      size: o.size,
      quick: o.quick,
      startedAt: started.toISOString(),
      durationMs: Date.now() - started.getTime(),
      machine: describeMachine(),
    }
    const markdown = join(o.out, 'RESULTS.md')
    await writeResults({ markdown, json: join(o.out, 'results.json') }, info, results)
    const rows = results.flatMap((s) => s.rows.filter((r) => r.met !== undefined))
    const met = rows.filter((r) => r.met).length
    process.stdout.write(
      `Wrote ${markdown}: ${met} of ${rows.length} targets met, ${(info.durationMs / 60_000).toFixed(1)} min.\n`,
    )
  } finally {
    display.stop()
    await dispose()
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  )
  process.exit(1)
})
