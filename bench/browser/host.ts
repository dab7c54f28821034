/**
 * Runs `page.ts` in Chromium: bundles it with esbuild, serves it from
 * 127.0.0.1, and opens browser sessions on one profile folder (so IndexedDB
 * persists between them). Each session is a fresh browser process: a cold
 * start reads from disk, as after a restart of the user's browser.
 * Chromium is found (or installed) by `scripts/ensure-chromium.mjs`.
 */
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { build } from 'esbuild'
import { chromium } from 'playwright-core'

/** Chromium flags for a headless run as root (as in the browser tests). */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-sync']

/** The page's functions (see page.ts). */
export type PageFunction = 'seed' | 'coldOurs' | 'coldOneDoc' | 'coldPerEntry' | 'bootstrap' | 'openEmpty'

/** A served page and a browser profile. */
export interface BrowserHost {
  /** Runs `fn(args)` in the page, in a new browser session on the profile, and closes it. */
  session<T>(fn: PageFunction, args: unknown): Promise<T>
  close(): Promise<void>
}

/** Path of a runnable Chromium (installing Debian's when there is none). */
export function findChromium(): string {
  const script = new URL('../../scripts/ensure-chromium.mjs', import.meta.url).pathname
  const run = spawnSync(process.execPath, [script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const path = run.stdout.trim().split('\n').pop() ?? ''
  if (run.status !== 0 || !path)
    throw new Error('no Chromium for the browser benchmark (see the message above)')
  return path
}

/** Bundles and serves the page; `tmp` holds the browser profile. */
export async function startBrowserHost(tmp: string): Promise<BrowserHost> {
  const executablePath = findChromium()
  const bundle = await build({
    entryPoints: [new URL('./page.ts', import.meta.url).pathname],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    // Workspace packages from their TypeScript sources (no build needed).
    conditions: ['source'],
    target: 'chrome120',
    write: false,
    logLevel: 'warning',
  })
  const script = bundle.outputFiles[0]!.contents
  const html =
    '<!doctype html><meta charset="utf-8"><title>y-dropbox bench</title><script type="module" src="/page.js"></script>'
  const server = createServer((req, res) => {
    if (req.url === '/page.js') res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script)
    else if (req.url === '/') res.writeHead(200, { 'Content-Type': 'text/html' }).end(html)
    else res.writeHead(404).end()
  })
  const base = await listen(server)
  const profile = await mkdtemp(join(tmp, 'chromium-profile-'))
  return {
    async session<T>(fn: PageFunction, args: unknown): Promise<T> {
      const context = await chromium.launchPersistentContext(profile, {
        executablePath,
        headless: true,
        args: CHROMIUM_ARGS,
      })
      const errors: string[] = []
      try {
        const page = await context.newPage()
        page.setDefaultTimeout(0)
        page.on('pageerror', (error) => errors.push(error.message))
        await page.goto(base)
        await page.waitForFunction(() => 'bench' in globalThis)
        return (await page.evaluate(
          ([name, a]) =>
            (globalThis as unknown as Record<string, Record<string, (x: unknown) => unknown>>).bench![name]!(
              a,
            ),
          [fn, args] as const,
        )) as T
      } catch (error) {
        const more = errors.length > 0 ? ` (page errors: ${errors.join('; ')})` : ''
        throw new Error(
          `Chromium benchmark, ${fn}: ${error instanceof Error ? error.message : String(error)}${more}`,
        )
      } finally {
        await context.close()
      }
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await rm(profile, { recursive: true, force: true })
    },
  }
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      if (!address || typeof address !== 'object') return reject(new Error('the page server has no port'))
      resolve(`http://127.0.0.1:${address.port}/`)
    })
  })
}
