/**
 * The QA page's pool check: two devices activate on the emulator, and the page shows the pool's
 * device count and "no problems", read with the same core functions as the y-dropbox command line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  activate,
  newEntry,
  openDeviceSync,
  type Stack,
  startStack,
  waitForSyncState,
  waitForText,
} from './harness.ts'

let stack: Stack

beforeAll(async () => {
  stack = await startStack()
})

afterAll(async () => {
  await stack?.close()
})

describe('QA page pool check', () => {
  it('shows the devices of the pool and no problems', async () => {
    const phone = await stack.open('phone')
    await newEntry(phone, { pain: 4, notes: 'Checked from the QA page.' })
    await activate(phone)
    await phone.getByRole('button', { name: 'Return to Settings' }).click()
    await openDeviceSync(phone)
    await waitForSyncState(phone, 'Active')
    const tablet = await stack.open('tablet')
    await activate(tablet)
    await expect
      .poll(async () => (await stack.poolFiles()).filter((p) => p.includes('/devices/')).length)
      .toBe(2)

    const qa = await stack.context.newPage()
    qa.on('pageerror', (e) => stack.pageErrors.push(`qa: ${e.message}`))
    await qa.goto(`${stack.base}/qa.html?devices=`)
    const health = qa.getByTestId('pool-health')
    await health.getByRole('button', { name: 'Check pool' }).click()
    await waitForText(health.getByTestId('pool-verdict'), 'no problems')
    await waitForText(
      health.getByTestId('pool-summary'),
      /\/pain-diary · not encrypted · 2 devices · 1 entry/,
    )
    if (process.env.QA_SHOT) await qa.screenshot({ path: process.env.QA_SHOT })
    expect(stack.pageErrors).toEqual([])
  })
})
