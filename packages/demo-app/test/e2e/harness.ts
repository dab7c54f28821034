/**
 * What every browser test needs: a Dropbox emulator (admin endpoints on, free port), the app's
 * Vite server pointed at it (free port), Chromium, and helpers that drive the app the way a person
 * does: per-device pages, linking through the emulator's approve page, the Device Sync Services
 * buttons, reading an entry back.
 */
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { type Emulator, startEmulator } from '@y-dropbox/dropbox-emulator'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { createServer, type ViteDevServer } from 'vite'
import { expect } from 'vitest'
import { launchChromium } from './chromium.ts'

/** Short timings so sync is quick under test (ms). */
export const FAST = { push: 150, poll: 500, retry: 1500 }

/** A running emulator, app server and browser. */
export interface Stack {
  emulator: Emulator
  vite: ViteDevServer
  browser: Browser
  context: BrowserContext
  /** The app's base URL. */
  base: string
  /** Errors thrown in any page (collected, so tests can assert there were none). */
  pageErrors: string[]
  /** Opens the app as `device`, at `hash` (in `context`, default the stack's). */
  open(device: string, hash?: string, context?: BrowserContext): Promise<Page>
  /** The emulator's files under the pool folder. */
  poolFiles(): Promise<string[]>
  /** The bytes of one file, downloaded through the Dropbox API with a token the emulator issues. */
  readFile(path: string): Promise<Uint8Array>
  /** Cuts one device off from the emulated Dropbox; returns the rule id. */
  offline(device: string): Promise<string>
  /** Adds an emulator fault rule (e.g. latency on one device's uploads); returns its id. */
  fault(rule: Record<string, unknown>): Promise<string>
  /** Removes a fault rule. */
  online(id: string): Promise<void>
  close(): Promise<void>
}

const appRoot = fileURLToPath(new URL('../..', import.meta.url))

/** Starts the emulator, the app and Chromium. */
export async function startStack(): Promise<Stack> {
  const emulator = await startEmulator({ port: 0, admin: true, maxLongpollMs: 3000 })
  process.env.VITE_EMULATOR_URL = emulator.url
  const vite = await createServer({
    configFile: `${appRoot}/vite.config.ts`,
    server: { port: 0, host: '127.0.0.1', strictPort: false, hmr: false },
    logLevel: 'warn',
    clearScreen: false,
  })
  await vite.listen()
  const address = vite.httpServer?.address()
  if (!address || typeof address !== 'object') throw new Error('the Vite server did not report its port')
  const base = `http://127.0.0.1:${address.port}`
  const browser = await launchChromium()
  const context = await browser.newContext({ viewport: { width: 430, height: 900 } })
  const pageErrors: string[] = []
  let token: string | undefined
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${emulator.url}/__emulator/${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    })
    if (!res.ok) throw new Error(`emulator ${method} ${path}: ${res.status} ${await res.text()}`)
    return res.json() as Promise<unknown>
  }
  const fault = async (rule: Record<string, unknown>) => {
    const { id } = (await admin('POST', 'faults', rule)) as { id: string }
    return id
  }
  return {
    emulator,
    vite,
    browser,
    context,
    base,
    pageErrors,
    async open(device, hash = '#/', inContext = context) {
      const page = await inContext.newPage()
      page.on('pageerror', (e) => pageErrors.push(`${device}: ${e.message}`))
      if (process.env.E2E_CONSOLE)
        page.on('console', (m) => console.log(`[${device}] ${m.type()}: ${m.text()}`))
      const q = new URLSearchParams({
        device,
        push: String(FAST.push),
        poll: String(FAST.poll),
        retry: String(FAST.retry),
      })
      await page.goto(`${base}/?${q}${hash}`)
      await page.locator('.topbar').waitFor()
      return page
    },
    async poolFiles() {
      const files = (await admin('GET', 'files')) as Array<{ pathLower: string }>
      return files.map((f) => f.pathLower).filter((p) => p.startsWith('/pain-diary/'))
    },
    async readFile(path) {
      token ??= emulator.issueTokens().accessToken
      const res = await fetch(`${emulator.url}/2/files/download`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'dropbox-api-arg': JSON.stringify({ path }) },
      })
      if (!res.ok) throw new Error(`emulator download ${path}: ${res.status} ${await res.text()}`)
      return new Uint8Array(await res.arrayBuffer())
    },
    offline: (device) => fault({ client: device, fault: 'offline' }),
    fault,
    async online(id) {
      await admin('DELETE', `faults?id=${encodeURIComponent(id)}`)
    },
    async close() {
      await context.close().catch(() => {})
      await browser.close().catch(() => {})
      await vite.close()
      await emulator.close()
    },
  }
}

/** Goes to Settings → Cloud Services → Device Sync Services. */
export async function openDeviceSync(page: Page): Promise<void> {
  await goTo(page, '#/settings/cloud/sync')
  await page.getByTestId('device-sync').waitFor()
}

/**
 * Taps "Activate Sync Services", approves on the emulator's page when asked, and waits for
 * "Sync Services are Now Active". Leaves the dialog open.
 */
export async function activate(page: Page): Promise<void> {
  await openDeviceSync(page)
  await page.getByRole('button', { name: 'Activate Sync Services' }).click()
  const dialog = page.getByRole('dialog', { name: 'Sync Services are Now Active' })
  const next = await Promise.race([
    page.waitForURL(/\/oauth2\/authorize/, { timeout: 30_000 }).then(
      () => 'approve' as const,
      () => 'timeout' as const,
    ),
    dialog.waitFor({ timeout: 30_000 }).then(
      () => 'active' as const,
      () => 'timeout' as const,
    ),
  ])
  if (next === 'approve') await page.getByRole('button', { name: 'Allow' }).click()
  await dialog.waitFor({ timeout: 30_000 })
}

/** Clicks a Device Sync Services button and its confirmation. */
export async function syncAction(page: Page, label: string, confirm?: string): Promise<void> {
  await page.getByTestId('device-sync').getByRole('button', { name: label, exact: true }).first().click()
  if (confirm) await page.getByRole('dialog').getByRole('button', { name: confirm }).click()
}

/** Waits until the device's sync state pill shows `label` (e.g. `Active`). */
export async function waitForSyncState(page: Page, label: string, timeout = 30_000): Promise<void> {
  await page.getByTestId('sync-state').filter({ hasText: label }).waitFor({ timeout })
}

/** The text of an entry's notes as the open editor shows it. */
export function notes(page: Page): Promise<string> {
  return page.locator('#notes').inputValue()
}

/** The pain level the open editor shows (the checked radio of the pain scale). */
export async function pain(page: Page): Promise<number> {
  return Number(await page.locator('[role="radio"][aria-checked="true"]').getAttribute('data-pain'))
}

/** The button of pain level `n` on the open entry's pain scale (a radio group). */
export function painLevel(page: Page, n: number): Locator {
  return page.getByRole('radio', { name: new RegExp(`^Pain ${n} `) })
}

/** Goes to a screen of the app (`#/…`) on `page`. */
export async function goTo(page: Page, hash: string): Promise<void> {
  await page.goto(page.url().replace(/#.*$/, hash))
}

/**
 * Creates an entry from the diary screen (the + button, then what `data` says); returns its id,
 * which the address shows once something was entered. Leaves the editor open.
 */
export async function newEntry(
  page: Page,
  data: { pain?: number; notes?: string; location?: string },
): Promise<string> {
  await goTo(page, '#/')
  await page.getByRole('button', { name: 'New entry' }).click()
  await page.locator('#notes[data-bound]').waitFor()
  if (data.pain !== undefined) await painLevel(page, data.pain).click()
  if (data.location) await page.getByRole('button', { name: data.location, exact: true }).click()
  if (data.notes) {
    await page.locator('#notes').click()
    await page.keyboard.type(data.notes)
  }
  await page.waitForURL(/#\/entry\//)
  return decodeURIComponent(page.url().split('#/entry/')[1] ?? '')
}

/** Opens entry `id` on `page` once it has arrived in the device's diary. */
export async function openEntry(page: Page, id: string): Promise<void> {
  await goTo(page, '#/')
  await page.locator(`[data-entry="${id}"]`).waitFor({ timeout: 30_000 })
  await page.locator(`[data-entry="${id}"]`).click()
  await page.locator('#notes[data-bound]').waitFor()
}

/** Waits until the element's text contains `expected` (a string or pattern). */
export async function waitForText(
  locator: Locator,
  expected: string | RegExp,
  timeout = 30_000,
): Promise<void> {
  await expect
    .poll(async () => ((await locator.count()) > 0 ? ((await locator.first().textContent()) ?? '') : ''), {
      timeout,
    })
    .toMatch(typeof expected === 'string' ? new RegExp(escapeRegExp(expected)) : expected)
}

/**
 * Where screenshots go: docs/screenshots/ when `UPDATE_SCREENSHOTS=1` (to
 * refresh the README's pictures), otherwise .test-results/screenshots/ so a
 * test run leaves the working tree as it was. Ends with a slash; created.
 */
export const SCREENSHOT_DIR = fileURLToPath(
  new URL(
    process.env.UPDATE_SCREENSHOTS
      ? '../../../../docs/screenshots/'
      : '../../../../.test-results/screenshots/',
    import.meta.url,
  ),
)
mkdirSync(SCREENSHOT_DIR, { recursive: true })

/** Saves a screenshot of `page` as `name`.png in `SCREENSHOT_DIR`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const path = `${SCREENSHOT_DIR}${name}.png`
  // Let transitions settle.
  await page.waitForTimeout(300)
  await page.screenshot({ path })
}

/** A browser context the size of a phone (390 × 844 CSS pixels, sharp). */
export function phoneContext(stack: Stack): Promise<BrowserContext> {
  return stack.browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 })
}

/** Waits until a toggle button's `aria-pressed` is `pressed`. */
export async function waitForPressed(locator: Locator, pressed: boolean, timeout = 30_000): Promise<void> {
  await expect.poll(() => locator.getAttribute('aria-pressed'), { timeout }).toBe(String(pressed))
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
