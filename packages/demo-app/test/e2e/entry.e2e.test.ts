/**
 * One device, no sync: a diary entry as a person makes it. A new entry exists only once something
 * is entered (tapping + and going back, or tapping + twice, leaves nothing); every field keeps a
 * valid value and says what is wrong; the pain scale is one radio group a screen reader and a
 * keyboard can use; every screen passes an axe audit; focus is always visible.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible, expectVisibleFocus } from './a11y.ts'
import { goTo, newEntry, painLevel, type Stack, startStack, waitForText } from './harness.ts'

let stack: Stack
let phone: Page

beforeAll(async () => {
  stack = await startStack()
  phone = await stack.open('phone')
})

afterAll(async () => {
  await stack?.close()
})

/** The number of entries the diary lists (0 when it says it is empty). */
async function listed(page: Page): Promise<number> {
  await goTo(page, '#/')
  await page.locator('.empty, [data-testid="entry-count"]').first().waitFor()
  return page.locator('[data-entry]').count()
}

describe('a new entry', () => {
  it('leaves nothing behind when + is tapped and the person goes back without entering anything', async () => {
    await showEmptyDiary()
    await expectAccessible(phone, 'diary (empty)')
    await phone.getByRole('button', { name: 'New entry' }).click()
    await phone.getByTestId('entry-editor').waitFor()
    await waitForText(phone.getByTestId('saved-state'), 'Not saved yet')
    await expectAccessible(phone, 'new entry')
    await phone.getByRole('link', { name: 'Back' }).click()
    expect(await listed(phone)).toBe(0)
    // Tapping + twice in a row makes no entry either.
    await phone.getByRole('button', { name: 'New entry' }).dblclick()
    await phone.getByTestId('entry-editor').waitFor()
    await phone.goBack()
    expect(await listed(phone)).toBe(0)
    // Still nothing after a reload (nothing was stored).
    await phone.reload()
    expect(await listed(phone)).toBe(0)
  })

  it('becomes an entry at the first thing entered, and keeps everything typed after it', async () => {
    const id = await newEntry(phone, { pain: 4, notes: 'Dull ache after gardening.' })
    expect(id).not.toBe('')
    await waitForText(phone.getByTestId('saved-state'), 'Saved on this device')
    await expectAccessible(phone, 'entry')
    await goTo(phone, '#/')
    await waitForText(phone.getByTestId('entry-count'), '1 entry')
    await waitForText(phone.locator(`[data-entry="${id}"]`), 'Dull ache after gardening.')
    await expectAccessible(phone, 'diary (1 entry)')
  })
})

describe('fields with a valid state and a message', () => {
  it('refuses an empty or future date and time, says why, and keeps the last valid one', async () => {
    await goTo(phone, '#/')
    await phone.locator('[data-entry]').first().click()
    const at = phone.locator('#at')
    const before = await at.inputValue()
    expect(before).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/)
    await at.fill('')
    await waitForText(phone.getByTestId('at-problem'), 'Enter the date and time of this entry.')
    expect(await at.getAttribute('aria-invalid')).toBe('true')
    await expectAccessible(phone, 'entry with a date problem')
    await at.fill('2999-01-01T10:00')
    await waitForText(phone.getByTestId('at-problem'), 'in the future')
    // The entry kept its date: the diary still shows it.
    await goTo(phone, '#/')
    await expect
      .poll(() => phone.locator('[data-entry] .when').first().textContent())
      .not.toContain('No date')
    await phone.locator('[data-entry]').first().click()
    expect(await phone.locator('#at').inputValue()).toBe(before)
    await phone.locator('#at').fill('2024-03-05T08:30')
    expect(await phone.getByTestId('at-problem').count()).toBe(0)
    await goTo(phone, '#/')
    await waitForText(phone.locator('[data-entry] .when').first(), '2024')
  })

  it('asks for the name of a medication whose dose was entered', async () => {
    await phone.locator('[data-entry]').first().click()
    await phone.getByRole('button', { name: '+ Add medication' }).click()
    await phone.getByLabel('Dose').fill('400 mg')
    await waitForText(phone.getByRole('alert'), 'Enter the name of the medication taken at 400 mg.')
    await phone.getByLabel('Medication name').fill('Ibuprofen')
    await expect.poll(() => phone.getByRole('alert').count()).toBe(0)
  })
})

describe('the pain scale, for a screen reader and a keyboard', () => {
  it('is one radio group whose checked level is announced with its word', async () => {
    const scale = phone.getByRole('radiogroup', { name: 'Pain level' })
    const tree = await scale.ariaSnapshot()
    expect(tree).toContain('radiogroup "Pain level"')
    expect(tree).toContain('radio "Pain 4 – Moderate" [checked]')
    expect(tree).toContain('radio "Pain 10 – Worst possible"')
    expect(await scale.getByRole('radio', { checked: true }).count()).toBe(1)
  })

  it('is one stop of the Tab order, changed with the arrow keys, with a visible focus ring', async () => {
    await phone.getByRole('button', { name: 'Head', exact: true }).focus()
    await phone.keyboard.press('Shift+Tab')
    await expect.poll(() => phone.evaluate(() => document.activeElement?.getAttribute('data-pain'))).toBe('4')
    await expectVisibleFocus(phone)
    await phone.keyboard.press('ArrowRight')
    await expect.poll(() => painLevel(phone, 5).getAttribute('aria-checked')).toBe('true')
    await expect.poll(() => phone.evaluate(() => document.activeElement?.getAttribute('data-pain'))).toBe('5')
    await phone.keyboard.press('End')
    await expect.poll(() => painLevel(phone, 10).getAttribute('aria-checked')).toBe('true')
    // One more Tab leaves the scale for the body locations.
    await phone.keyboard.press('Tab')
    await expect.poll(() => phone.evaluate(() => document.activeElement?.textContent)).toBe('Head')
    await expectVisibleFocus(phone)
  })
})

describe('the other screens', () => {
  it('pass an axe audit: report, settings, cloud services, device sync (off), backup & restore', async () => {
    for (const [hash, screen, ready] of [
      ['#/report', 'report', 'main > div'],
      ['#/settings', 'settings', '.menu'],
      ['#/settings/cloud', 'cloud services', '.menu'],
      ['#/settings/cloud/sync', 'device sync (off)', '[data-testid="device-sync"]'],
      ['#/settings/backup', 'backup & restore', '[data-testid="local-backups"]'],
    ] as const) {
      await goTo(phone, hash)
      await phone.locator(ready).first().waitFor()
      await expectAccessible(phone, screen)
    }
    expect(stack.pageErrors).toEqual([])
  })
})

async function showEmptyDiary(): Promise<void> {
  await goTo(phone, '#/')
  await phone.locator('.empty').waitFor()
}
