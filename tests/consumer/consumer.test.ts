/**
 * The published packages as an app outside the monorepo gets them: packed by `pnpm pack`, installed
 * by npm into a fresh project that already pins an older yjs (project.ts). One pack and install per
 * run; each case below can fail on its own.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../../packages/demo-app/test/e2e/chromium.ts'
import {
  APP_YJS,
  type ConsumerProject,
  codeUnder,
  createConsumerProject,
  PUBLISHED,
  REPO,
  run,
  runOk,
} from './project.ts'

let project: ConsumerProject
let app: string
/** Compiles the TypeScript of the project (the typed app and the README's example) once. */
let compiled: Promise<void> | undefined
const compile = () => {
  compiled ??= runOk(process.execPath, [
    join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-p',
    app,
  ]).then(() => {})
  return compiled
}
const node = (script: string) => runOk(process.execPath, [script], { cwd: app, timeoutMs: 120_000 })

beforeAll(async () => {
  project = await createConsumerProject()
  app = project.dir
  // The root README's example, exactly as written, as a file of the app.
  await writeFile(
    join(app, 'src', 'readme.ts'),
    await codeUnder(join(REPO, 'README.md'), '## The engine in 15 lines'),
  )
}, 900_000)

afterAll(async () => {
  if (project && !process.env.KEEP_CONSUMER) await rm(project.root, { recursive: true, force: true })
})

describe('an app outside the monorepo', () => {
  it('installs them with no peer conflict: compiled code, declarations, README, LICENSE, CHANGELOG, no sources', async () => {
    expect(project.installLog).not.toMatch(/ERESOLVE|conflicting peer|peer dep missing/i)
    for (const name of PUBLISHED) {
      const listed = (await runOk('tar', ['-tzf', project.tarballs[name]])).stdout.split('\n')
      for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/index.js.map', 'README.md', 'LICENSE']) {
        expect(listed, name).toContain(`package/${file}`)
      }
      expect(listed, name).toContain('package/CHANGELOG.md')
      expect(
        listed.filter((f) => /\.(ts|tsx)$/.test(f) && !f.endsWith('.d.ts')),
        name,
      ).toEqual([])
      const manifest = await readFile(join(app, 'node_modules', '@y-dropbox', name, 'package.json'), 'utf8')
      // The `source` condition (monorepo only) and workspace ranges must not reach the registry.
      expect(manifest, name).not.toMatch(/"source"|workspace:/)
    }
  })

  it('1. runs in plain node: two devices sync through MemoryCloud, then through Dropbox (the packed emulator)', async () => {
    const { stdout } = await node('sync.mjs')
    const [memory, dropbox] = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    const synced = { pain: 6, notes: 'Stiff knee after the walk.', listed: ['2026-11-25-morning'] }
    expect(memory).toEqual({ via: 'MemoryCloud', ...synced })
    expect(dropbox).toMatchObject({ via: 'Dropbox emulator', ...synced })
    expect(dropbox.files).toBeGreaterThan(0)
  })

  it('2. compiles with tsc (node16, strict) against the shipped declarations, and node runs the output', async () => {
    await compile()
    const { stdout } = await node('out/typed-app.js')
    expect(JSON.parse(stdout)).toEqual({
      pain: 7,
      summary: { pain: 7 },
      remoteOrigin: true,
      remoteEvent: true,
      sawSyncing: true,
      typedError: true,
    })
  })

  it(`3. has exactly one yjs (the app's ${APP_YJS}), and engine.doc() is an instance of the app's Y.Doc`, async () => {
    const { stdout } = await runOk('npm', ['ls', 'yjs', '--all', '--parseable'], { cwd: app })
    const copies = new Set(stdout.trim().split('\n'))
    expect([...copies]).toEqual([join(app, 'node_modules', 'yjs')])
    const installed = JSON.parse(await readFile(join(app, 'node_modules', 'yjs', 'package.json'), 'utf8'))
    expect(installed.version).toBe(APP_YJS)
    const ran = await node('one-yjs.mjs')
    expect(ran.stderr).not.toContain('Yjs was already imported')
    expect(JSON.parse(ran.stdout)).toEqual({
      instanceOfAppDoc: true,
      appMapInserted: true,
      name: 'ibuprofen',
    })
  })

  it('4b. runs `npx y-dropbox` (the command line) without tsx: --help, and a clear exit 2 where there is no pool', async () => {
    expect(existsSync(join(app, 'node_modules', 'tsx'))).toBe(false)
    const help = await runOk('npx', ['--no-install', 'y-dropbox', '--help'], { cwd: app })
    expect(help.stdout).toContain('Usage: y-dropbox')
    const empty = await mkdtemp(join(tmpdir(), 'y-dropbox-empty-'))
    const status = await run(
      'npx',
      ['--no-install', 'y-dropbox', 'status', '--folder', empty, '--root', '/diary'],
      {
        cwd: app,
      },
    )
    expect(status.code).toBe(2)
    expect(status.stderr).toMatch(/no sync pool at \/diary/)
  })

  it('4. runs `npx y-dropbox-emulator` without tsx: --help, then a server that answers and stops on SIGTERM', async () => {
    expect(existsSync(join(app, 'node_modules', 'tsx'))).toBe(false)
    const help = await runOk('npx', ['--no-install', 'y-dropbox-emulator', '--help'], { cwd: app })
    expect(help.stdout).toContain('Usage: y-dropbox-emulator')

    const child = spawn(join(app, 'node_modules', '.bin', 'y-dropbox-emulator'), ['--port', '0', '--admin'], {
      cwd: app,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    try {
      const url = await firstLine(child)
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const files = await fetch(`${url}/__emulator/files`)
      expect([files.status, await files.json()]).toEqual([200, []])
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  })

  it('5. bundles for the browser with esbuild (no Node built-ins), and two Chromium pages sync an entry', async () => {
    const bundle = await build({
      absWorkingDir: app,
      entryPoints: ['browser/app.js'],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      metafile: true,
      logLevel: 'silent',
    })
    const inputs = Object.keys(bundle.metafile.inputs)
    expect(
      inputs.filter((path) => path.startsWith('node:') || !/^(browser\/|node_modules\/)/.test(path)),
    ).toEqual([])
    // The compiled code of the packages, not their sources.
    for (const name of ['core', 'dropbox-provider']) {
      expect(inputs.some((path) => path.startsWith(`node_modules/@y-dropbox/${name}/dist/`))).toBe(true)
    }
    const code = bundle.outputFiles[0]!.contents
    console.log(
      `consumer browser bundle: ${code.length} B minified, ${gzipSync(code, { level: 9 }).length} B gzip`,
    )

    const { startEmulator } = (await import(
      pathToFileURL(join(app, 'node_modules', '@y-dropbox', 'dropbox-emulator', 'dist', 'index.js')).href
    )) as typeof import('@y-dropbox/dropbox-emulator')
    const emulator = await startEmulator({ port: 0 })
    const server = await serve({
      '/': [
        'text/html',
        '<!doctype html><title>consumer</title><script type="module" src="/app.js"></script>',
      ],
      '/app.js': ['text/javascript', code],
    })
    const browser = await launchChromium()
    const errors: string[] = []
    try {
      const { refreshToken } = emulator.issueTokens({ clientId: 'browser-app' })
      const open = async (name: string): Promise<Page> => {
        // A context each: two devices, each with its own IndexedDB.
        const page = await (await browser.newContext()).newPage()
        page.on('pageerror', (error) => errors.push(`${name}: ${error.message}`))
        await page.goto(server.url)
        await page.waitForFunction(() => 'device' in window)
        const state = await page.evaluate(
          (o) => (window as unknown as { device: BrowserDevice }).device.open(o),
          { name, emulatorUrl: emulator.url, refreshToken },
        )
        expect(state, name).not.toBe('error')
        return page
      }
      const call = <K extends keyof BrowserDevice>(
        page: Page,
        method: K,
        ...args: Parameters<BrowserDevice[K]>
      ) =>
        page.evaluate(
          ([m, a]) =>
            (window as unknown as { device: Record<string, (...x: unknown[]) => unknown> }).device[m]!(...a),
          [method, args] as const,
        ) as Promise<Awaited<ReturnType<BrowserDevice[K]>>>

      const phone = await open('phone')
      await call(phone, 'write', 'morning', 'pain', 6)
      await call(phone, 'sync')
      const laptop = await open('laptop')
      await call(laptop, 'sync')
      expect(await call(laptop, 'read', 'morning')).toEqual({ pain: 6 })
      await call(laptop, 'write', 'morning', 'location', 'knee')
      await call(laptop, 'sync')
      await call(phone, 'sync')
      expect(await call(phone, 'read', 'morning')).toEqual({ pain: 6, location: 'knee' })
      await call(phone, 'close')
      await call(laptop, 'close')
      expect(emulator.files().some((f) => f.pathLower.startsWith('/diary/'))).toBe(true)
      expect(errors).toEqual([])
    } finally {
      await browser.close()
      await server.close()
      await emulator.close()
    }
  })

  it("runs the README's engine in 15 lines as written, and the process exits by itself", async () => {
    await compile()
    const ran = await run(process.execPath, ['out/readme.js'], { cwd: app, timeoutMs: 60_000 })
    expect(ran.signal, 'the example did not exit within 60 s').toBeNull()
    expect([ran.code, ran.stdout.trim()]).toEqual([0, '6'])
  })

  it("runs @y-dropbox/testing's README example: the contract suites under the app's own vitest", async () => {
    await writeFile(
      join(app, 'my-store.test.ts'),
      await codeUnder(join(REPO, 'packages/testing/README.md'), '## Example'),
    )
    const report = join(app, 'contract-report.json')
    const ran = await run(
      process.execPath,
      [
        join(app, 'node_modules', 'vitest', 'vitest.mjs'),
        'run',
        'my-store.test.ts',
        '--reporter=json',
        `--outputFile=${report}`,
      ],
      { cwd: app, timeoutMs: 240_000 },
    )
    expect(ran.code, ran.stderr.slice(-3000)).toBe(0)
    const json = JSON.parse(await readFile(report, 'utf8'))
    expect(json.numFailedTests).toBe(0)
    expect(json.numPassedTests).toBeGreaterThan(20)
    const suites = new Set<string>()
    for (const file of json.testResults as Array<{ assertionResults: Array<{ ancestorTitles: string[] }> }>) {
      for (const test of file.assertionResults) suites.add(test.ancestorTitles[0] ?? '')
    }
    expect([...suites].sort()).toEqual([
      'BlobStore contract: MemoryBlobStore',
      'LocalStore contract: MemoryLocalStore',
    ])
  })
})

/** What browser/app.js exposes as `window.device`. */
interface BrowserDevice {
  open(o: { name: string; emulatorUrl: string; refreshToken: string }): Promise<string>
  write(id: string, field: string, value: unknown): Promise<void>
  sync(): Promise<void>
  read(id: string): Promise<Record<string, unknown>>
  close(): Promise<void>
}

/** Resolves the first line a child prints (the emulator's URL); rejects if it exits first. */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('\n')) resolve(out.split('\n')[0]!)
    })
    child.once('exit', (code) =>
      reject(new Error(`y-dropbox-emulator exited with ${code} before printing its URL`)),
    )
  })
}

/** Serves fixed pages on a free loopback port. */
async function serve(
  pages: Record<string, [string, string | Uint8Array]>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const page = pages[new URL(req.url ?? '/', 'http://x').pathname]
    if (!page) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': page[0] }).end(page[1])
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
