/**
 * Walks the product's help page ("Device to Device Synchronization") in a real browser, with three
 * simulated devices on one emulated Dropbox account: activate on the primary, activate and download
 * the master on a secondary, edit one entry on two devices at once, come back from offline,
 * upload and download a new master, turn one device off, delete all sync data.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  activate,
  newEntry,
  notes,
  openDeviceSync,
  openEntry,
  pain,
  type Stack,
  startStack,
  syncAction,
  waitForPressed,
  waitForSyncState,
  waitForText,
} from './harness.ts'

let stack: Stack
let phone: Page
let tablet: Page
let laptop: Page
let firstEntry: string

beforeAll(async () => {
  stack = await startStack()
  phone = await stack.open('phone')
  tablet = await stack.open('tablet')
  laptop = await stack.open('laptop')
})

afterAll(async () => {
  await stack?.close()
})

describe('Device Sync Services, as the help page describes them', () => {
  it('activates the primary device, which uploads its diary as the starting point', async () => {
    firstEntry = await newEntry(phone, { pain: 6, location: 'Neck', notes: 'Written before sync was on.' })
    await activate(phone)
    await waitForText(phone.getByRole('dialog'), 'Primary device')
    await phone.getByRole('button', { name: 'Return to Settings' }).click()
    await waitForSyncState(phone, 'Active')
    await expect.poll(async () => (await stack.poolFiles()).some((p) => p.endsWith('/pool.json'))).toBe(true)
    await expect.poll(async () => (await stack.poolFiles()).length).toBeGreaterThan(2)
  })

  it('activates a secondary device and downloads the master to it', async () => {
    await newEntry(tablet, { pain: 2, notes: 'Tablet entry from before joining.' })
    await activate(tablet)
    const dialog = tablet.getByRole('dialog')
    await waitForText(dialog, 'nothing was lost')
    await dialog.getByRole('button', { name: 'Download Master DB to Device' }).click()
    await tablet.getByRole('dialog').getByRole('button', { name: 'Download Master DB' }).click()
    await waitForSyncState(tablet, 'Active')
    await openEntry(tablet, firstEntry)
    expect(await notes(tablet)).toBe('Written before sync was on.')
    expect(await pain(tablet)).toBe(6)
  })

  it('merges edits of one entry made on two devices at once, including typing in the same notes', async () => {
    await openEntry(phone, firstEntry)
    // Different fields on each device at the same moment.
    await Promise.all([
      phone.getByRole('button', { name: 'Pain 8', exact: true }).click(),
      tablet.getByRole('button', { name: 'Knees', exact: true }).click(),
    ])
    // Both type into the notes: the phone at the end, the tablet at the start.
    await phone.locator('#notes').click()
    await phone.keyboard.press('End')
    await tablet.locator('#notes').click()
    await tablet.keyboard.press('Control+Home')
    await Promise.all([
      phone.keyboard.type(' Phone adds this.', { delay: 25 }),
      tablet.keyboard.type('Tablet: ', { delay: 25 }),
    ])
    const expected = 'Tablet: Written before sync was on. Phone adds this.'
    await expect.poll(() => notes(phone), { timeout: 30_000 }).toBe(expected)
    await expect.poll(() => notes(tablet), { timeout: 30_000 }).toBe(expected)
    for (const page of [phone, tablet]) {
      await expect.poll(() => pain(page), { timeout: 30_000 }).toBe(8)
      await waitForPressed(page.getByRole('button', { name: 'Knees', exact: true }), true)
      await waitForPressed(page.getByRole('button', { name: 'Neck', exact: true }), true)
    }
  })

  it('catches up after being offline, with "Synchronize DB Now"', async () => {
    const rule = await stack.offline('tablet')
    await phone.getByRole('button', { name: 'Pain 3', exact: true }).click()
    await tablet.locator('#notes').click()
    await tablet.keyboard.press('Control+End')
    await tablet.keyboard.type(' Typed while offline.')
    // The tablet cannot upload: its banner says so.
    await waitForText(tablet.getByTestId('status-banner'), /Cannot reach Dropbox|offline|retrying/i)
    expect(await pain(tablet)).toBe(8)
    await stack.online(rule)
    await openDeviceSync(tablet)
    await syncAction(tablet, 'Synchronize DB Now')
    await waitForSyncState(tablet, 'Active')
    await waitForText(tablet.getByTestId('pending'), 'None')
    await openEntry(tablet, firstEntry)
    expect(await pain(tablet)).toBe(3)
    await openEntry(phone, firstEntry)
    await expect.poll(() => notes(phone), { timeout: 30_000 }).toContain('Typed while offline.')
  })

  it('uploads a new master on one device and downloads it on another', async () => {
    await openDeviceSync(phone)
    await syncAction(phone, 'Upload Master DB to Cloud', 'Upload Master DB')
    await waitForSyncState(phone, 'Active')
    // The tablet saves a change: its next sync finds the new master and says so.
    await openEntry(tablet, firstEntry)
    await tablet.getByRole('button', { name: 'Pain 10', exact: true }).click()
    await waitForText(tablet.getByTestId('status-banner'), 'new master database')
    await openDeviceSync(tablet)
    await waitForSyncState(tablet, 'New master available')
    await syncAction(tablet, 'Download Master DB to Device', 'Download Master DB')
    await waitForSyncState(tablet, 'Active')
    // The tablet now equals the master: its change made after the upload was set aside.
    await openEntry(tablet, firstEntry)
    await expect.poll(() => pain(tablet), { timeout: 30_000 }).toBe(3)
    // Back in step: an edit on the phone reaches the tablet again.
    const id = await newEntry(phone, { pain: 5, notes: 'After the new master.' })
    await openEntry(tablet, id)
    await expect.poll(() => notes(tablet), { timeout: 30_000 }).toBe('After the new master.')
  })

  it('turns sync off for one device while the others keep syncing', async () => {
    await activate(laptop)
    await laptop.getByRole('button', { name: 'Return to Settings' }).click()
    await syncAction(laptop, 'Turn Off Sync Services for Device', 'Turn Off')
    await waitForSyncState(laptop, 'Off')
    const id = await newEntry(phone, { pain: 1, notes: 'Only for the devices still syncing.' })
    await openEntry(tablet, id)
    await expect.poll(() => notes(tablet), { timeout: 30_000 }).toBe('Only for the devices still syncing.')
    await laptop.goto(laptop.url().replace(/#.*$/, '#/'))
    await laptop.waitForTimeout(1500)
    expect(await laptop.locator(`[data-entry="${id}"]`).count()).toBe(0)
  })

  it('deletes all local and remote sync data; the other devices say why they stopped', async () => {
    await openDeviceSync(phone)
    await phone.getByRole('button', { name: 'Delete All Local & Remote Sync Data' }).click()
    const confirm = phone.getByRole('dialog')
    await waitForText(confirm, 'In Dropbox')
    await waitForText(confirm, '/pain-diary')
    await waitForText(confirm, 'On this device')
    await confirm.getByRole('button', { name: 'Delete All Sync Data' }).click()
    await waitForSyncState(phone, 'Off')
    await expect.poll(() => stack.poolFiles(), { timeout: 30_000 }).toEqual([])
    // The tablet notices at its next contact with the pool (here: it saves a change).
    await openEntry(tablet, firstEntry)
    await tablet.getByRole('button', { name: 'Pain 4', exact: true }).click()
    await openDeviceSync(tablet)
    await waitForSyncState(tablet, 'Off')
    await waitForText(tablet.getByTestId('sync-message'), 'deleted (from another device')
    await waitForText(tablet.getByTestId('status-banner'), 'deleted (from another device')
    expect(stack.pageErrors).toEqual([])
  })
})
