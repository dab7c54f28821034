/**
 * End-to-end encryption in a real browser, on one emulated Dropbox account: the phone activates
 * sync with a passphrase; the tablet is asked for it, a wrong one is refused, the right one joins;
 * nothing in Dropbox shows the diary; the phone changes the passphrase and the tablet asks for the
 * new one, unlocks and downloads the master. Saves encryption.png (see SCREENSHOT_DIR).
 */
import { statSync } from 'node:fs'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  newEntry,
  notes,
  openDeviceSync,
  openEntry,
  SCREENSHOT_DIR,
  type Stack,
  startStack,
  syncAction,
  waitForSyncState,
  waitForText,
} from './harness.ts'

const PASSPHRASE = 'river stones in spring'
const NEW_PASSPHRASE = 'winter light on snow'
const NOTE = 'Burning ache in the right wrist since the long drive.'

let stack: Stack
let phoneContext: BrowserContext
let phone: Page
let tablet: Page
let entry: string

beforeAll(async () => {
  stack = await startStack()
  // The phone in its own sharper context, for the screenshot.
  phoneContext = await stack.browser.newContext({
    viewport: { width: 400, height: 820 },
    deviceScaleFactor: 2,
  })
  phone = await stack.open('phone', '#/', phoneContext)
  tablet = await stack.open('tablet')
})

afterAll(async () => {
  await phoneContext?.close()
  await stack?.close()
})

/** Approves the link on the emulator's page, once the app has sent the browser there. */
async function approveLink(page: Page): Promise<void> {
  await page.waitForURL(/\/oauth2\/authorize/, { timeout: 30_000 })
  await page.getByRole('button', { name: 'Allow' }).click()
}

/** Types a new passphrase into both fields. */
async function typeNewPassphrase(page: Page, passphrase: string, repeat = passphrase): Promise<void> {
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase)
  await page.getByLabel('Repeat passphrase').fill(repeat)
}

describe('end-to-end encryption, as a user turns it on', () => {
  it('activates the phone with a passphrase, which creates an encrypted pool', async () => {
    entry = await newEntry(phone, { pain: 7, notes: NOTE })
    await openDeviceSync(phone)
    await phone.getByLabel('Encrypt my diary with a passphrase').check()
    await waitForText(phone.getByTestId('device-sync'), 'a lost passphrase cannot be recovered')
    // Not linked yet: Dropbox first, then the passphrase (it is never kept across the trip).
    await phone.getByRole('button', { name: 'Activate Sync Services' }).click()
    await approveLink(phone)
    await phone.getByTestId('passphrase-again').waitFor({ timeout: 30_000 })
    await typeNewPassphrase(phone, PASSPHRASE, 'river stones in sprung')
    await phone.getByRole('button', { name: 'Activate Sync Services' }).click()
    await waitForText(phone.getByTestId('passphrase-problem'), 'differ')
    await typeNewPassphrase(phone, PASSPHRASE)
    expect(await phone.getByTestId('passphrase-problem').count()).toBe(0)
    await phone.setViewportSize({ width: 400, height: 1010 })
    await phone.evaluate(() => window.scrollTo(0, 0))
    await phone.waitForTimeout(300)
    await phone.screenshot({ path: `${SCREENSHOT_DIR}encryption.png` })
    expect(statSync(`${SCREENSHOT_DIR}encryption.png`).size).toBeGreaterThan(10_000)
    await phone.getByRole('button', { name: 'Activate Sync Services' }).click()
    const dialog = phone.getByRole('dialog', { name: 'Sync Services are Now Active' })
    await waitForText(dialog, 'Primary device')
    await dialog.getByRole('button', { name: 'Return to Settings' }).click()
    await openDeviceSync(phone)
    await waitForSyncState(phone, 'Active')
    await waitForText(phone.getByTestId('encryption'), 'Encrypted')
  })

  it('asks the tablet for the passphrase, refuses a wrong one, and joins with the right one', async () => {
    await openDeviceSync(tablet)
    await tablet.getByRole('button', { name: 'Activate Sync Services' }).click()
    await approveLink(tablet)
    const ask = tablet.getByRole('dialog', { name: 'Your Sync Data is Encrypted' })
    await ask.waitFor({ timeout: 30_000 })
    const files = await stack.poolFiles()
    await ask.getByLabel('Sync passphrase').fill('not my passphrase')
    await ask.getByRole('button', { name: 'Join' }).click()
    await waitForText(ask.getByTestId('passphrase-error'), 'passphrase is wrong')
    // Refused: sync is still off here, and nothing was written to Dropbox.
    await waitForSyncState(tablet, 'Off')
    expect(await stack.poolFiles()).toEqual(files)
    await ask.getByLabel('Sync passphrase').fill(PASSPHRASE)
    await ask.getByRole('button', { name: 'Join' }).click()
    const active = tablet.getByRole('dialog', { name: 'Sync Services are Now Active' })
    await waitForText(active, 'nothing was lost')
    await active.getByRole('button', { name: 'Return to Settings' }).click()
    await openDeviceSync(tablet)
    await waitForSyncState(tablet, 'Active')
    await waitForText(tablet.getByTestId('encryption'), 'Encrypted')
    await openEntry(tablet, entry)
    expect(await notes(tablet)).toBe(NOTE)
  })

  it('leaves nothing readable in Dropbox: no note, no device name; pool.json asks for encryption', async () => {
    const paths = await stack.poolFiles()
    expect(paths.length).toBeGreaterThan(3)
    for (const path of paths) {
      const text = new TextDecoder('latin1').decode(await stack.readFile(path))
      for (const secret of [NOTE, 'Burning ache', 'Phone', 'Tablet']) expect(text, path).not.toContain(secret)
    }
    const pool = JSON.parse(new TextDecoder().decode(await stack.readFile('/pain-diary/pool.json')))
    expect(pool.encryption).toMatchObject({ kdf: 'PBKDF2-SHA256', cipher: 'AES-GCM-256' })
  })

  it('changes the passphrase on the phone; the tablet asks for the new one, unlocks, downloads the master', async () => {
    await openDeviceSync(phone)
    await syncAction(phone, 'Change Sync Passphrase')
    const confirm = phone.getByRole('dialog', { name: 'Change Sync Passphrase?' })
    await waitForText(confirm, 'other devices will ask for the new passphrase')
    await typeNewPassphrase(phone, NEW_PASSPHRASE)
    await confirm.getByRole('button', { name: 'Change Passphrase' }).click()
    await waitForSyncState(phone, 'Active')
    const later = await newEntry(phone, { pain: 3, notes: 'Written after the new passphrase.' })

    // The tablet (showing an entry) notices at its next look at the pool.
    const banner = tablet.getByTestId('status-banner')
    await waitForText(banner, 'passphrase was changed on another device')
    await banner.getByRole('button', { name: 'Enter passphrase' }).click()
    const ask = tablet.getByRole('dialog', { name: 'Enter Sync Passphrase' })
    await ask.getByLabel('Sync passphrase').fill(PASSPHRASE)
    await ask.getByRole('button', { name: 'Unlock' }).click()
    await waitForText(ask.getByTestId('passphrase-error'), 'passphrase is wrong')
    await ask.getByLabel('Sync passphrase').fill(NEW_PASSPHRASE)
    await ask.getByRole('button', { name: 'Unlock' }).click()
    await ask.waitFor({ state: 'detached' })
    await waitForText(banner, 'new master database')
    // The banner's button downloads it where the tablet is (an entry).
    await banner.getByRole('button', { name: 'Download Master DB to Device' }).click()
    await tablet
      .getByRole('dialog', { name: 'Download Master DB to Device?' })
      .getByRole('button', { name: 'Download Master DB' })
      .click()
    await tablet
      .getByRole('dialog', { name: 'Master DB Downloaded' })
      .getByRole('button', { name: 'OK' })
      .click()
    await openDeviceSync(tablet)
    await waitForSyncState(tablet, 'Active')
    await openEntry(tablet, later)
    await expect.poll(() => notes(tablet), { timeout: 30_000 }).toBe('Written after the new passphrase.')
    expect(stack.pageErrors).toEqual([])
  })
})
