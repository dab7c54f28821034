/**
 * Writing the results: `RESULTS.md` (the machine and command at the top, a
 * summary of every target, then one table per scenario) and a JSON file of
 * the raw figures.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { availableParallelism, cpus, platform, release, totalmem } from 'node:os'
import { join } from 'node:path'
import type { Figure, Row, ScenarioResult } from './types.ts'

/** The machine a run happened on. */
export interface Machine {
  cpu: string
  cores: number
  ramGiB: number
  node: string
  os: string
}

/** What RESULTS.md says about a run. */
export interface RunInfo {
  command: string
  size: number
  quick: boolean
  startedAt: string
  durationMs: number
  machine: Machine
  /** The run was stopped (Ctrl+C) before it ended: only finished scenarios are in it. */
  interrupted?: boolean
}

/** A run and what it measured. */
export interface RunResults {
  info: RunInfo
  results: ScenarioResult[]
}

/** Describes this machine. */
export function describeMachine(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${platform()} ${release()}`,
  }
}

/** A figure for the table: ms (or s), bytes in B/KiB/MiB, calls. */
export function formatFigure(f: Figure | string | undefined): string {
  if (f === undefined) return '—'
  if (typeof f === 'string') return f
  const v = f.value
  if (!Number.isFinite(v)) return 'n/a'
  switch (f.unit) {
    case 'ms':
      return v >= 10_000
        ? `${(v / 1000).toFixed(1)} s`
        : v >= 100
          ? `${Math.round(v)} ms`
          : `${v.toFixed(1)} ms`
    case 'B':
      if (Math.abs(v) >= 2 ** 20) return `${(v / 2 ** 20).toFixed(2)} MiB`
      if (Math.abs(v) >= 10 * 1024) return `${(v / 1024).toFixed(1)} KiB`
      return `${Math.round(v)} B`
    case 'x':
      return `${v.toFixed(2)}×`
    default:
      return Number.isInteger(v) ? v.toLocaleString('en') : v.toFixed(1)
  }
}

/** A ratio for the table. */
export function formatRatio(ratio: number | undefined): string {
  if (ratio === undefined || !Number.isFinite(ratio)) return '—'
  return ratio >= 100
    ? `${Math.round(ratio)}×`
    : ratio >= 10
      ? `${ratio.toFixed(1)}×`
      : `${ratio.toFixed(2)}×`
}

/** "yes", "**no (missed)**" or "—". */
export function formatMet(met: boolean | undefined): string {
  return met === undefined ? '—' : met ? 'yes' : '**no (missed)**'
}

const HEADER = ['scenario', 'ours', 'baseline / peer', 'ratio', 'target', 'met?']
/** Columns aligned right (numbers). */
const RIGHT = [false, true, true, true, false, false]

/** One markdown table of rows, padded the way the repository's formatter (Biome) lays tables out. */
export function table(rows: Row[]): string[] {
  const body = rows.map((r) => {
    const against =
      r.against === '—' ? formatFigure(r.baseline) : `${formatFigure(r.baseline)} (${r.against})`
    const cells = [
      r.scenario,
      formatFigure(r.ours),
      against,
      formatRatio(r.ratio),
      r.target,
      formatMet(r.met),
    ]
    return cells.map((c) => c.replace(/\|/g, '\\|'))
  })
  const widths = HEADER.map((h, i) => Math.max(3, h.length, ...body.map((cells) => cells[i]!.length)))
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (RIGHT[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`
  const rule = `| ${widths.map((w, i) => (RIGHT[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`
  return [line(HEADER), rule, ...body.map(line)]
}

/** One line saying which command produced a part of RESULTS.md, where, and whether it finished. */
function runLine(label: string, info: RunInfo): string {
  const minutes = (info.durationMs / 60_000).toFixed(1)
  const m = info.machine
  const stopped = info.interrupted ? ' **Interrupted**: only the scenarios that finished are shown.' : ''
  return (
    `${label}: \`${info.command}\` (${info.size.toLocaleString('en')} entries${info.quick ? ', quick mode' : ''}), ` +
    `started ${info.startedAt}, took ${minutes} min, on ${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM, ` +
    `Node ${m.node}, ${m.os}.${stopped}`
  )
}

/** The whole RESULTS.md: the main run, then the growth run when there is one. */
export function renderResults(main: RunResults | undefined, growth?: RunResults): string {
  const runs = [main, growth].filter((r): r is RunResults => r !== undefined)
  const all = runs.flatMap((r) => r.results)
  const targeted = all.flatMap((s) => s.rows.filter((r) => r.met !== undefined).map((r) => ({ s, r })))
  const missed = targeted.filter(({ r }) => r.met === false)
  const out = ['# y-dropbox benchmarks', '']
  if (main) out.push(runLine('Main run', main.info), '')
  if (growth) out.push(runLine('Growth run', growth.info), '')
  out.push(
    'Each row sets our figure against a baseline (the raw cost of the work) or a peer measured in the same run; ' +
      'ratio = ours / baseline. Absolute times on shared machines are noise: read the ratios. The raw figures are ' +
      'in `results.json` (and `growth.json`) beside this file. Generated by `bench/run.ts`; do not edit by hand.',
    '',
    `## Targets: ${targeted.length - missed.length} of ${targeted.length} met`,
    '',
    ...table(targeted.map(({ s, r }) => ({ ...r, scenario: `${s.title.split(' ')[0]} ${r.scenario}` }))),
    '',
  )
  for (const s of all) {
    out.push(`## ${s.title}`, '', s.about, '', ...table(s.rows), '')
    for (const note of s.notes) out.push(note, '')
  }
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`
}

/** Where a run's JSON goes: `results.json` for the main run, `growth.json` for the growth run. */
export type RunKind = 'main' | 'growth'

const JSON_FILES: Record<RunKind, string> = { main: 'results.json', growth: 'growth.json' }

/**
 * Writes this run's JSON into `dir`, then RESULTS.md from it and from the
 * other kind of run's JSON found there (so a growth run keeps the main tables,
 * and the other way round).
 */
export async function writeResults(dir: string, kind: RunKind, run: RunResults): Promise<string> {
  await writeFile(join(dir, JSON_FILES[kind]), `${JSON.stringify(toJson(run), null, 2)}\n`)
  const other = await readRun(join(dir, JSON_FILES[kind === 'main' ? 'growth' : 'main']))
  const markdown = join(dir, 'RESULTS.md')
  await writeFile(markdown, kind === 'main' ? renderResults(run, other) : renderResults(other, run))
  return markdown
}

function toJson(run: RunResults): unknown {
  return { ...run.info, scenarios: run.results }
}

/** A run read back from its JSON, or undefined when there is none (or it predates this layout). */
async function readRun(path: string): Promise<RunResults | undefined> {
  let json: RunInfo & { scenarios?: ScenarioResult[] }
  try {
    json = JSON.parse(await readFile(path, 'utf8'))
  } catch {
    return undefined
  }
  const { scenarios, ...info } = json
  if (!Array.isArray(scenarios) || scenarios.some((s) => !Array.isArray(s.notes))) return undefined
  return { info, results: scenarios }
}
