/**
 * Real tabs of one Chromium profile running the README example against the Dropbox emulator: two
 * tabs edit one document, the leading tab closes (killed, as a user closes it) and the other takes
 * over without losing an edit; an orderly close hands over too; the device is one device in the
 * pool; and no two tabs ever hold the engine at once.
 */
import { fileURLToPath } from 'node:url'
import { type Emulator, startEmulator } from '@y-dropbox/dropbox-emulator'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { createServer, type ViteDevServer } from 'vite'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { sourceConditions } from '../../../../source-conditions.ts'

interface TabsTest {
  audit(): { elected: number; overlaps: number; errors: string[] }
  isLeader(): boolean
  activate(): Promise<string>
  syncNow(): Promise<void>
  devices(): Promise<string[]>
  write(words: string): Promise<void>
  notes(): Promise<string>
  status(): string | undefined
  close(): Promise<void>
}
declare const tabsTest: TabsTest

let emulator: Emulator
let vite: ViteDevServer
let browser: Browser
let phone: BrowserContext
let laptop: BrowserContext
let base: string
const pageErrors: string[] = []

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, maxLongpollMs: 2000 })
  vite = await createServer({
    configFile: false,
    root: fileURLToPath(new URL('.', import.meta.url)),
    ...sourceConditions,
    resolve: {
      ...sourceConditions.resolve,
      alias: { '@y-dropbox/tabs': fileURLToPath(new URL('../../src/index.ts', import.meta.url)) },
    },
    server: { port: 0, host: '127.0.0.1', hmr: false },
    logLevel: 'warn',
    clearScreen: false,
  })
  await vite.listen()
  const address = vite.httpServer?.address()
  if (!address || typeof address !== 'object') throw new Error('the Vite server did not report its port')
  base = `http://127.0.0.1:${address.port}`
  browser = await chromium.launch({
    executablePath: inject('chromiumPath'),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu'],
  })
  phone = await browser.newContext()
  laptop = await browser.newContext()
})

afterAll(async () => {
  await browser?.close()
  await vite?.close()
  await emulator?.close()
})

async function openTab(context: BrowserContext, device: string): Promise<Page> {
  const page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(`${device}: ${e.message}`))
  const { refreshToken } = emulator.issueTokens({ clientId: 'tabs-test' })
  const q = new URLSearchParams({ device, token: refreshToken, emulator: emulator.url })
  await page.goto(`${base}/?${q}`)
  await page.waitForFunction(() => 'tabsTest' in window)
  return page
}

const isLeader = (page: Page) => page.evaluate(() => tabsTest.isLeader())
const notes = (page: Page) => page.evaluate(() => tabsTest.notes())
const write = (page: Page, words: string) => page.evaluate((w) => tabsTest.write(w), words)

describe('tabs of one Chromium profile', () => {
  it('share one engine, hand it over when the leading tab closes, and lose no edit', async () => {
    const first = await openTab(phone, 'phone')
    await expect.poll(() => isLeader(first), { timeout: 30_000 }).toBe(true)
    const second = await openTab(phone, 'phone')
    expect(await isLeader(second)).toBe(false)
    expect(await second.evaluate(() => tabsTest.activate())).toBe('created')

    await write(first, 'Stiff knee.')
    await write(second, ' Worse on the stairs.')
    await expect.poll(() => notes(first)).toBe('Stiff knee. Worse on the stairs.')
    await expect.poll(() => notes(second)).toBe('Stiff knee. Worse on the stairs.')

    // Closed as a user closes a tab: no goodbye, the browser releases its locks.
    const third = await openTab(phone, 'phone')
    await first.close()
    await write(second, ' Ice helped.')
    await expect
      .poll(async () => (await isLeader(second)) || (await isLeader(third)), { timeout: 30_000 })
      .toBe(true)
    const [leader, follower] = (await isLeader(second)) ? [second, third] : [third, second]
    await expect.poll(() => notes(follower)).toBe('Stiff knee. Worse on the stairs. Ice helped.')

    // An orderly close hands over too, once the engine has stored everything.
    await write(follower, ' Slept well.')
    await leader.evaluate(() => tabsTest.close())
    await leader.close()
    await expect.poll(() => isLeader(follower), { timeout: 30_000 }).toBe(true)
    await follower.evaluate(() => tabsTest.syncNow())

    const other = await openTab(laptop, 'laptop')
    await expect.poll(() => isLeader(other), { timeout: 30_000 }).toBe(true)
    expect(await other.evaluate(() => tabsTest.activate())).toBe('joined')
    await expect
      .poll(() => notes(other), { timeout: 30_000 })
      .toBe('Stiff knee. Worse on the stairs. Ice helped. Slept well.')
    // Three engines opened in turn on the phone, and it is one device in the pool.
    expect((await other.evaluate(() => tabsTest.devices())).sort()).toEqual(['laptop', 'phone'])

    for (const page of [follower, other]) {
      const audit = await page.evaluate(() => tabsTest.audit())
      expect(audit.overlaps).toBe(0)
      expect(audit.errors).toEqual([])
    }
    expect(pageErrors).toEqual([])
  })
})
