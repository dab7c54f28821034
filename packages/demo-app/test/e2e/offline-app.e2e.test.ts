/**
 * The diary installed and offline, in Chromium: the built app (`vite build`, served by
 * `vite preview`) is installable (web app manifest, icons, a service worker that controls the
 * page, no installability errors), and after a first visit it opens and saves with the network cut
 * (the app's server stopped and the browser offline).
 *
 * Built rather than the dev server: a service worker can only precache a fixed set of files, and
 * the dev server serves modules on demand and transforms them per request, so there is nothing to
 * precache; the built app is also what a person installs.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Emulator, startEmulator } from '@y-dropbox/dropbox-emulator'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { build, type PreviewServer, preview } from 'vite'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { CHROMIUM_ARGS } from './chromium.ts'
import { goTo, newEntry, waitForText } from './harness.ts'

const appRoot = fileURLToPath(new URL('../..', import.meta.url))

let emulator: Emulator
let outDir: string
let server: PreviewServer | undefined
let profile: string | undefined
let context: BrowserContext
let page: Page
let base: string

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, admin: true, maxLongpollMs: 3000 })
  process.env.VITE_EMULATOR_URL = emulator.url
  outDir = mkdtempSync(join(tmpdir(), 'pain-diary-build-'))
  await build({
    configFile: `${appRoot}/vite.config.ts`,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  })
  server = await preview({
    configFile: `${appRoot}/vite.config.ts`,
    preview: { port: 0, host: '127.0.0.1', strictPort: false },
    build: { outDir },
    logLevel: 'warn',
  })
  const address = server.httpServer.address()
  if (!address || typeof address !== 'object') throw new Error('vite preview did not report its port')
  base = `http://127.0.0.1:${address.port}`
  // A persistent profile, as a person's browser has: Chromium does not install from incognito ones.
  profile = mkdtempSync(join(tmpdir(), 'pain-diary-profile-'))
  context = await chromium.launchPersistentContext(profile, {
    executablePath: inject('chromiumPath'),
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 390, height: 844 },
  })
  page = context.pages()[0] ?? (await context.newPage())
})

afterAll(async () => {
  await context?.close().catch(() => {})
  if (profile) rmSync(profile, { recursive: true, force: true })
  await server?.close().catch(() => {})
  await emulator?.close()
  if (outDir) rmSync(outDir, { recursive: true, force: true })
})

describe('installed and offline', () => {
  it('is installable: a manifest with icons, and a service worker that controls the page', async () => {
    await page.goto(`${base}/?device=phone#/`)
    await page.locator('.topbar').waitFor()
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
    await expect
      .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 60_000 })
      .toBe(true)
    const manifest = await page.evaluate(async () => {
      const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]')
      return link
        ? ((await (await fetch(link.href)).json()) as { name: string; icons: Array<{ sizes: string }> })
        : null
    })
    expect(manifest?.name).toBe('Pain Diary')
    expect(manifest?.icons.map((i) => i.sizes)).toContain('512x512')
    const cdp = await context.newCDPSession(page)
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: Array<{ errorId: string }>
    }
    expect(installabilityErrors.map((e) => e.errorId)).toEqual([])
  })

  it('opens and saves with the network cut after the first visit', async () => {
    await newEntry(page, { pain: 5, notes: 'Written while online.' })
    await goTo(page, '#/')
    await waitForText(page.getByTestId('entry-count'), '1 entry')
    // The network goes: the app's server stops and the browser is offline.
    await server?.close()
    server = undefined
    await context.setOffline(true)
    await expect(fetch(base)).rejects.toThrow()
    await page.reload()
    await waitForText(page.getByTestId('entry-count'), '1 entry')
    await newEntry(page, { pain: 3, notes: 'Written with no network.' })
    await goTo(page, '#/')
    await waitForText(page.getByTestId('diary-list'), 'Written with no network.')
    await page.reload()
    await goTo(page, '#/')
    await waitForText(page.getByTestId('entry-count'), '2 entries')
    await waitForText(page.locator('[data-testid="diary-list"]'), 'Written with no network.')
    await context.setOffline(false)
  })
})
