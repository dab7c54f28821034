/**
 * Two tabs of one device: one syncs (holds the Web Lock and the engine), the other follows over
 * BroadcastChannel; edits flow both ways at once; when the syncing tab closes the other takes over
 * without losing an edit, and the device never shows up twice in the pool.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  activate,
  newEntry,
  notes,
  openEntry,
  pain,
  painLevel,
  type Stack,
  startStack,
  waitForText,
} from './harness.ts'

let stack: Stack
let first: Page
let second: Page
const consoleErrors: string[] = []

beforeAll(async () => {
  stack = await startStack()
  first = await stack.open('phone')
  second = await stack.open('phone')
  for (const page of [first, second]) {
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
        consoleErrors.push(m.text())
    })
  }
})

afterAll(async () => {
  await stack?.close()
})

async function role(page: Page): Promise<string> {
  await page.goto(page.url().replace(/#.*$/, '#/settings'))
  const row = page.locator('.kv dd').nth(3)
  await waitForText(row, /Syncs|Follows/)
  return (await row.textContent()) ?? ''
}

describe('several tabs of one device', () => {
  it('lets exactly one tab sync the device', async () => {
    expect(await role(first)).toBe('Syncs this device')
    expect(await role(second)).toBe('Follows the syncing tab')
  })

  it('shows every change of one tab in the other at once, both ways', async () => {
    const id = await newEntry(second, { pain: 4, notes: 'From the second tab.' })
    await openEntry(first, id)
    expect(await notes(first)).toBe('From the second tab.')
    await first.locator('#notes').click()
    await first.keyboard.press('Control+End')
    await first.keyboard.type(' And the first.')
    await painLevel(second, 7).click()
    await expect.poll(() => notes(second)).toBe('From the second tab. And the first.')
    await expect.poll(() => pain(first)).toBe(7)
  })

  it('runs sync operations asked for in the following tab, and both tabs see the status', async () => {
    await activate(second)
    await second.getByRole('button', { name: 'Return to Settings' }).click()
    await first.goto(first.url().replace(/#.*$/, '#/settings/cloud/sync'))
    await waitForText(first.getByTestId('sync-state'), 'Active')
  })

  it('hands syncing over when the syncing tab closes, losing no edit and no upload', async () => {
    const laptop = await stack.open('laptop')
    await activate(laptop)
    const id = await newEntry(first, { pain: 2, notes: 'Before the handover.' })
    await openEntry(second, id)
    await first.close()
    // Typed right as the syncing tab went away.
    await second.locator('#notes').click()
    await second.keyboard.press('Control+End')
    await second.keyboard.type(' After it.')
    expect(await role(second)).toBe('Syncs this device')
    await openEntry(laptop, id)
    await expect.poll(() => notes(laptop), { timeout: 30_000 }).toBe('Before the handover. After it.')
    // One engine per device at any time: the phone is one device in the pool, not two.
    const devices = (await stack.poolFiles()).filter((p) => p.includes('/devices/'))
    expect(devices).toHaveLength(2)
    // Still there after a reload of the remaining tab.
    await second.reload()
    await openEntry(second, id)
    expect(await notes(second)).toBe('Before the handover. After it.')
    expect(stack.pageErrors).toEqual([])
    expect(consoleErrors.filter((e) => /connection is closing|InvalidStateError/i.test(e))).toEqual([])
  })
})
