/**
 * Profiling the bootstrap: a child process runs `profile-bootstrap.ts` under
 * `node --cpu-prof` (so the profile holds the joining device only, not the
 * emulator or the pool's writer), and `summariseProfile` reads the
 * `.cpuprofile` it leaves: the biggest self-time costs, and time by area.
 */
import { spawn } from 'node:child_process'
import { mkdir, readdir, readFile } from 'node:fs/promises'
import { findSourceMap } from 'node:module'
import { join } from 'node:path'
import type { BootstrapMode } from './scenarios/bootstrap.ts'
import type { BenchContext } from './types.ts'

/** The part of a V8 `.cpuprofile` this summary reads. */
export interface CpuProfile {
  nodes: Array<{
    id: number
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
  }>
  /** Microseconds, on the clock of `process.hrtime`. */
  startTime: number
  samples: number[]
  timeDeltas: number[]
}

/** A time window in microseconds of `process.hrtime`. */
export interface ProfileWindow {
  fromUs: number
  toUs: number
}

/** One function's self time. */
export interface SelfCost {
  /** `name (file:line)`. */
  where: string
  ms: number
  /** Share of the profile's busy (non-idle) time, 0–1. */
  share: number
}

/** What a profile shows. */
export interface ProfileSummary {
  busyMs: number
  top: SelfCost[]
  /** Self time by area (yjs, lib0, y-dropbox core, provider, Dropbox SDK, Node, GC...). */
  areas: Array<{ area: string; ms: number; share: number }>
}

/**
 * Sums self time per function and per area, over the samples inside `window`
 * when given (e.g. the bootstrap only, without process start); `top` holds the
 * `count` biggest functions.
 */
export function summariseProfile(profile: CpuProfile, window?: ProfileWindow, count = 3): ProfileSummary {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n.callFrame]))
  const self = new Map<string, number>()
  const areas = new Map<string, number>()
  let busy = 0
  let at = profile.startTime
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0
    if (window && (at < window.fromUs || at > window.toUs)) continue
    // The interval after a sample is spent where that sample was taken.
    const us = profile.timeDeltas[i + 1] ?? 0
    const frame = byNode.get(profile.samples[i]!)
    if (!frame || frame.functionName === '(idle)') continue
    busy += us
    const where = `${frame.functionName || '(anonymous)'}${frame.url ? ` (${shortUrl(frame.url)}:${sourceLine(frame)})` : ''}`
    self.set(where, (self.get(where) ?? 0) + us)
    const area = areaOf(frame.functionName, frame.url)
    areas.set(area, (areas.get(area) ?? 0) + us)
  }
  const share = (us: number) => (busy > 0 ? us / busy : 0)
  return {
    busyMs: busy / 1000,
    top: [...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([where, us]) => ({ where, ms: us / 1000, share: share(us) })),
    areas: [...areas]
      .sort((a, b) => b[1] - a[1])
      .map(([area, us]) => ({ area, ms: us / 1000, share: share(us) })),
  }
}

/** A paragraph (several lines) for RESULTS.md. */
export function profileNote(label: string, summary: ProfileSummary): string {
  const pct = (s: number) => `${(s * 100).toFixed(1)}%`
  const lines = [
    `Profile of bootstrap ${label} (\`node --cpu-prof\` of a new device joining in a child process; samples from ` +
      `\`SyncEngine.open\` to \`activate()\` resolved: ${summary.busyMs.toFixed(0)} ms busy). Biggest self-time costs:`,
    '',
    ...summary.top.map((c, i) => `${i + 1}. \`${c.where}\`: ${c.ms.toFixed(0)} ms (${pct(c.share)})`),
    '',
    `By area: ${summary.areas
      .slice(0, 8)
      .map((a) => `${a.area} ${pct(a.share)}`)
      .join(', ')}.`,
  ]
  return lines.join('\n')
}

/**
 * Runs a bootstrap of the pool under `root` in a child process with
 * `node --cpu-prof` and summarises its profile.
 */
export async function profileBootstrap(
  ctx: BenchContext,
  root: string,
  mode: BootstrapMode,
): Promise<ProfileSummary> {
  const dir = join(ctx.tmp, `profile-${mode}-${Date.now()}`)
  await mkdir(dir, { recursive: true })
  const window = await runChildBootstrap(ctx, root, dir)
  const file = (await readdir(dir)).find((f) => f.endsWith('.cpuprofile'))
  if (!file) throw new Error(`node --cpu-prof left no profile in ${dir}`)
  return summariseProfile(JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile, window)
}

/**
 * A new device joins the pool under `root` in a child process of its own, as
 * on a real device (the benchmark's own heap, the diary and the pool's
 * writer, is not in its way); resolves with the time from `SyncEngine.open`
 * to `activate()` resolved.
 */
export async function bootstrapInChild(ctx: BenchContext, root: string): Promise<{ ms: number }> {
  const window = await runChildBootstrap(ctx, root)
  return { ms: (window.toUs - window.fromUs) / 1000 }
}

/** Runs `profile-bootstrap.ts` (under `--cpu-prof` into `profileDir` when given); checks it listed every entry. */
async function runChildBootstrap(
  ctx: BenchContext,
  root: string,
  profileDir?: string,
): Promise<ProfileWindow> {
  const tokens = await ctx.remote.issueTokens()
  const spec = { url: ctx.remote.url, root, tokens }
  const profiling = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []
  // Tokens go through the environment of our own child, never onto a command line or a log.
  const stdout = await runBenchChild(
    'profile-bootstrap.ts',
    'the bootstrap',
    { BENCH_BOOTSTRAP: JSON.stringify(spec) },
    profiling,
  )
  const window = JSON.parse(stdout) as ProfileWindow & { listed: number }
  if (window.listed !== ctx.size)
    throw new Error(`the bootstrap in a child process listed ${window.listed} of ${ctx.size} entries`)
  return window
}

/**
 * The 1-based line in the source file. tsx compiles our TypeScript to one
 * line, so for our files the position is mapped back through the source map
 * this process holds for the same file (the child compiled it identically).
 */
function sourceLine(frame: { url: string; lineNumber: number; columnNumber: number }): number {
  if (frame.url.includes('/node_modules/') || !frame.url.startsWith('file:')) return frame.lineNumber + 1
  const entry = findSourceMap(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber)
  return entry && 'originalLine' in entry ? entry.originalLine + 1 : frame.lineNumber + 1
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '')
  const modules = path.lastIndexOf('node_modules/')
  if (modules >= 0) return path.slice(modules + 'node_modules/'.length)
  const packages = path.indexOf('/packages/')
  if (packages >= 0) return path.slice(packages + 1)
  const bench = path.indexOf('/bench/')
  return bench >= 0 ? path.slice(bench + 1) : path
}

function areaOf(name: string, url: string): string {
  if (name === '(garbage collector)') return 'GC'
  if (name === '(program)') return 'V8/native'
  if (!url) return 'native'
  if (url.includes('undici') || url.startsWith('wasm://')) return 'Node fetch (undici, llhttp)'
  if (url.startsWith('node:')) return 'Node'
  if (url.includes('/yjs/')) return 'yjs'
  if (url.includes('/lib0/')) return 'lib0'
  if (url.includes('/dropbox/')) return 'Dropbox SDK'
  if (url.includes('packages/core/')) return 'y-dropbox core'
  if (url.includes('packages/dropbox-provider/')) return 'dropbox-provider'
  if (url.includes('/tsx/') || url.includes('/esbuild')) return 'tsx (startup)'
  return 'other'
}

/**
 * Runs the bench script `script` (a file beside this one) in a Node process of
 * its own with `env` added, and resolves with what it printed.
 */
export async function runBenchChild(
  script: string,
  what: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<string> {
  const path = new URL(`./${script}`, import.meta.url).pathname
  const child = spawn(process.execPath, [...nodeArgs, '--conditions=source', '--import', 'tsx', path], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', resolve)
  })
  if (code !== 0) throw new Error(`${what} in a child process exited with ${code}: ${stderr.slice(-500)}`)
  return stdout
}
