/**
 * Screenshots of the diary, an entry, the Device Sync Services screen, the status banner, the
 * report and the QA page, saved for the README (see SCREENSHOT_DIR; taken with sync running
 * against the emulator, so they show the real thing); the diary and an entry at phone width too
 * (the help walk takes the phone-width sync screens).
 */
import { statSync } from 'node:fs'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  activate,
  openDeviceSync,
  painLevel,
  SCREENSHOT_DIR,
  type Stack,
  screenshot,
  startStack,
  waitForSyncState,
  waitForText,
} from './harness.ts'

let stack: Stack
let phoneContext: BrowserContext
let phone: Page

beforeAll(async () => {
  stack = await startStack()
  phoneContext = await stack.browser.newContext({
    viewport: { width: 400, height: 820 },
    deviceScaleFactor: 2,
  })
  phone = await stack.open('phone', '#/settings', phoneContext)
})

afterAll(async () => {
  await phoneContext?.close()
  await stack?.close()
})

async function shoot(page: Page, name: string): Promise<void> {
  // Let transitions and the virtual list settle.
  await page.waitForTimeout(300)
  const path = `${SCREENSHOT_DIR}${name}.png`
  await page.screenshot({ path })
  expect(statSync(path).size).toBeGreaterThan(10_000)
}

describe('screenshots for the docs', () => {
  it('the diary with entries', async () => {
    await phone.getByRole('button', { name: 'Add 20 sample entries' }).click()
    await phone.goto(phone.url().replace(/#.*$/, '#/'))
    await waitForText(phone.getByTestId('entry-count'), '20 entries')
    await phone.locator('.row .words').first().waitFor()
    await shoot(phone, 'diary')
  })

  it('the diary and an entry at phone width (390 × 844)', async () => {
    await phone.setViewportSize({ width: 390, height: 844 })
    await screenshot(phone, 'phone-diary')
    await phone.locator('.row').nth(1).click()
    await phone.getByTestId('entry-editor').waitFor()
    await screenshot(phone, 'phone-entry')
    await phone.goBack()
    await phone.locator('.row .words').first().waitFor()
    await phone.setViewportSize({ width: 400, height: 820 })
  })

  it('an entry', async () => {
    await phone.locator('.row').nth(1).click()
    await phone.getByTestId('entry-editor').waitFor()
    // Tall enough to show the notes too.
    await phone.setViewportSize({ width: 400, height: 1180 })
    await shoot(phone, 'entry')
    await phone.setViewportSize({ width: 400, height: 820 })
  })

  it('Device Sync Services with two devices in the pool', async () => {
    await activate(phone)
    await shoot(phone, 'sync-active')
    await phone.getByRole('button', { name: 'Return to Settings' }).click()
    const tablet = await stack.open('tablet')
    await activate(tablet)
    await openDeviceSync(phone)
    await phone.getByRole('button', { name: 'Synchronize DB Now' }).click()
    await waitForText(phone.getByTestId('pool-devices'), 'Tablet')
    await shoot(phone, 'device-sync')
  })

  it('the printable report', async () => {
    await phone.setViewportSize({ width: 800, height: 1000 })
    await phone.goto(phone.url().replace(/#.*$/, '#/report'))
    await phone.locator('svg.chart').waitFor()
    await shoot(phone, 'report')
    // Printed, the report stands alone: no app bar, banner or tab bar.
    await phone.emulateMedia({ media: 'print' })
    expect(await phone.locator('.topbar').isVisible()).toBe(false)
    expect(await phone.locator('.tabbar').isVisible()).toBe(false)
    expect(await phone.locator('svg.chart').isVisible()).toBe(true)
    await phone.emulateMedia({ media: 'screen' })
    await phone.setViewportSize({ width: 400, height: 820 })
  })

  it('the status banner', async () => {
    const rule = await stack.offline('phone')
    await phone.goto(phone.url().replace(/#.*$/, '#/'))
    await phone.locator('.row').first().click()
    await painLevel(phone, 9).click()
    await phone.goto(phone.url().replace(/#.*$/, '#/'))
    await waitForText(phone.getByTestId('status-banner'), /No connection to Dropbox/)
    await shoot(phone, 'status-banner')
    await stack.online(rule)
  })

  it('the QA page with the devices side by side', async () => {
    // The tablet (synced above), a laptop that joins now, and a second tab of the tablet.
    const laptop = await stack.open('laptop')
    await activate(laptop)
    await laptop.getByRole('dialog').getByRole('button', { name: 'Download Master DB to Device' }).click()
    await laptop.getByRole('dialog').getByRole('button', { name: 'Download Master DB' }).click()
    await waitForSyncState(laptop, 'Active')
    await laptop.close()
    const qa = await stack.context.newPage()
    await qa.setViewportSize({ width: 1400, height: 860 })
    await qa.goto(`${stack.base}/qa.html?devices=tablet,laptop,tablet&push=150&poll=500`)
    for (const title of ['tablet', 'laptop']) {
      await qa
        .frameLocator(`iframe[title="Pain Diary on ${title}"]`)
        .first()
        .locator('.row')
        .first()
        .waitFor()
    }
    await shoot(qa, 'qa')
    await qa.close()
  })
})
