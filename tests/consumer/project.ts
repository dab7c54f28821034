/**
 * The consumer project: every published package packed with `pnpm pack` (whose `prepack` builds
 * it), then installed from the tarballs with npm into a fresh project outside the workspace, the
 * way an app would install them from the registry. The project pins the oldest yjs core accepts.
 * Built once per run and shared by every case of consumer.test.ts.
 */
import { type SpawnOptions, spawn } from 'node:child_process'
import { cp, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root. */
export const REPO = fileURLToPath(new URL('../..', import.meta.url))
/**
 * The yjs an app already had before it added y-dropbox: the oldest of core's peer range
 * (`^13.6.0`), far older than the repository's own.
 */
export const APP_YJS = '13.6.0'
/** The packages an app installs from the registry (their folders under packages/). */
export const PUBLISHED = [
  'core',
  'dropbox-provider',
  'dropbox-emulator',
  'testing',
  'cli',
  'tabs',
  'react',
] as const
const PNPM = ['-y', 'pnpm@10.34.9']

/** A finished child process. */
export interface Ran {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Runs a command to its end (killed after `timeoutMs`), collecting its output. */
export function run(
  cmd: string,
  args: string[],
  options: SpawnOptions & { timeoutMs?: number } = {},
): Promise<Ran> {
  const { timeoutMs = 300_000, ...spawnOptions } = options
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...spawnOptions })
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString()
    })
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

/** Like {@link run}, but throws with the command's output when it does not exit with 0. */
export async function runOk(
  cmd: string,
  args: string[],
  options: SpawnOptions & { timeoutMs?: number } = {},
) {
  const ran = await run(cmd, args, options)
  if (ran.code !== 0) {
    throw new Error(
      `${cmd} ${args.join(' ')} exited with ${ran.code ?? ran.signal}\n${ran.stdout.slice(-4000)}\n${ran.stderr.slice(-4000)}`,
    )
  }
  return ran
}

/** The first fenced code block in `lang` after the heading line `heading` of a markdown file. */
export async function codeUnder(markdownFile: string, heading: string, lang = 'ts'): Promise<string> {
  const text = await readFile(markdownFile, 'utf8')
  const at = text.indexOf(`\n${heading}\n`)
  if (at < 0) throw new Error(`${markdownFile} has no heading "${heading}"`)
  const block = new RegExp(`\`\`\`${lang}\n([\\s\\S]*?)\`\`\``).exec(text.slice(at))
  if (!block?.[1]) throw new Error(`${markdownFile} has no ${lang} code block under "${heading}"`)
  return block[1]
}

/** A consumer project, installed. */
export interface ConsumerProject {
  /** The temporary folder holding the tarballs and the project: remove it when done. */
  root: string
  /** The project's folder (outside the workspace). */
  dir: string
  /** The packed tarballs, by package folder name. */
  tarballs: Record<(typeof PUBLISHED)[number], string>
  /** What `npm install` printed. */
  installLog: string
}

/**
 * Builds and packs every published package, then makes a fresh npm project in the temp folder
 * (yjs pinned to {@link APP_YJS}, the fixture files of `app/`) and installs the tarballs there.
 */
export async function createConsumerProject(): Promise<ConsumerProject> {
  const dir = await mkdtemp(join(tmpdir(), 'y-dropbox-consumer-'))
  const packs = join(dir, 'packs')
  await mkdir(packs)
  // One build of the whole solution first, so that each `prepack` finds its package up to date.
  await runOk('npx', [...PNPM, 'build'], { cwd: REPO })
  await runOk(
    'npx',
    [
      ...PNPM,
      '-r',
      ...PUBLISHED.flatMap((p) => ['--filter', `./packages/${p}`]),
      'pack',
      '--pack-destination',
      packs,
    ],
    { cwd: REPO },
  )
  const files = await readdir(packs)
  const tarballs = Object.fromEntries(
    PUBLISHED.map((p) => {
      const file = files.find((f) => f.startsWith(`y-dropbox-${p}-`) && f.endsWith('.tgz'))
      if (!file) throw new Error(`pnpm pack made no tarball for packages/${p} (made: ${files.join(', ')})`)
      return [p, join(packs, file)]
    }),
  ) as ConsumerProject['tarballs']

  const app = join(dir, 'app')
  await cp(fileURLToPath(new URL('./app', import.meta.url)), app, { recursive: true })
  const ours = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')).devDependencies
  const manifest = {
    name: 'y-dropbox-consumer',
    private: true,
    type: 'module',
    dependencies: {
      yjs: APP_YJS,
      '@y-dropbox/core': `file:${tarballs.core}`,
      '@y-dropbox/dropbox-provider': `file:${tarballs['dropbox-provider']}`,
      '@y-dropbox/dropbox-emulator': `file:${tarballs['dropbox-emulator']}`,
      '@y-dropbox/cli': `file:${tarballs.cli}`,
      '@y-dropbox/tabs': `file:${tarballs.tabs}`,
      '@y-dropbox/react': `file:${tarballs.react}`,
    },
    devDependencies: {
      '@types/node': ours['@types/node'],
      '@y-dropbox/testing': `file:${tarballs.testing}`,
      vitest: ours.vitest,
    },
  }
  await writeFile(join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  const install = await runOk('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: app,
    timeoutMs: 600_000,
  })
  return { root: dir, dir: app, tarballs, installLog: install.stdout + install.stderr }
}
