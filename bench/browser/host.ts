/**
 * Runs `page.ts` in Chromium: bundles it with esbuild, serves it from
 * 127.0.0.1, and opens browser sessions on one profile folder (so IndexedDB
 * persists between them). Each session is a fresh browser process: a cold
 * start reads from disk, as after a restart of the user's browser.
 * Each store is measured in an origin of its own, `http://<site>.localhost:<port>`,
 * as an app's data lives in the app's origin: Chromium resolves every
 * `*.localhost` name to the loopback and counts it a secure context (so
 * WebCrypto is there, as on an https app).
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
export type PageFunction =
  | 'seedOurs'
  | 'seedOneDoc'
  | 'seedPerEntry'
  | 'coldOurs'
  | 'coldOneDoc'
  | 'coldPerEntry'
  | 'bootstrap'
  | 'openEmpty'

/**
 * The origins the page is served from, one per store: our engine's, y-indexeddb's
 * one-document diary, its per-entry databases, and the device that joins the pool.
 */
export type Site = 'ours' | 'one-doc' | 'per-entry' | 'join'

/** A served page and a browser profile. */
export interface BrowserHost {
  /** Runs `fn(args)` in the page at `site`, in a new browser session on the profile, and closes it. */
  session<T>(site: Site, fn: PageFunction, args: unknown): Promise<T>
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
  const port = await listen(server)
  const profile = await mkdtemp(join(tmp, 'chromium-profile-'))
  return {
    async session<T>(site: Site, fn: PageFunction, args: unknown): Promise<T> {
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
        await page.goto(`http://${site}.localhost:${port}/`)
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
          `Chromium benchmark, ${fn} at ${site}.localhost: ${error instanceof Error ? error.message : String(error)}${more}`,
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

/** Listens on the loopback; resolves with the port. */
function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      if (!address || typeof address !== 'object') return reject(new Error('the page server has no port'))
      resolve(address.port)
    })
  })
}
