/**
 * Backup and restore in the browser: the phone downloads its diary as a file, another device
 * restores it (merge), then replaces its diary by it after saying what will be deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newEntry, type Stack, startStack, waitForText } from './harness.ts'

let stack: Stack

beforeAll(async () => {
  stack = await startStack()
})

afterAll(async () => {
  await stack?.close()
})

describe('Backup & Restore', () => {
  it('downloads the diary as a file and restores it elsewhere by merge, then by replacement', async () => {
    const phone = await stack.open('phone', '#/settings')
    await phone.getByRole('button', { name: 'Add 20 sample entries' }).click()
    await phone.goto(phone.url().replace(/#.*$/, '#/'))
    await waitForText(phone.getByTestId('entry-count'), '20 entries')
    await phone.goto(phone.url().replace(/#.*$/, '#/settings/backup'))
    const [download] = await Promise.all([
      phone.waitForEvent('download'),
      phone.getByRole('button', { name: 'Download backup' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(/^pain-diary-phone-\d{4}-\d{2}-\d{2}\.json$/)
    const file = await download.path()

    const laptop = await stack.open('laptop')
    await newEntry(laptop, { pain: 3, notes: 'Only on the laptop.' })
    await laptop.goto(laptop.url().replace(/#.*$/, '#/settings/backup'))
    await laptop.getByLabel('Backup file').setInputFiles(file)
    await waitForText(laptop.locator('main'), '20 entries from Phone')
    await laptop.getByRole('button', { name: 'Merge into this diary' }).click()
    await laptop.getByRole('dialog').getByRole('button', { name: 'Merge' }).click()
    await waitForText(laptop.getByTestId('restore-result'), 'Restored: 20 added, 0 updated, 0 removed.')
    await laptop.goto(laptop.url().replace(/#.*$/, '#/'))
    await waitForText(laptop.getByTestId('entry-count'), '21 entries')

    await laptop.goto(laptop.url().replace(/#.*$/, '#/settings/backup'))
    await laptop.getByLabel('Backup file').setInputFiles(file)
    await laptop.getByRole('button', { name: 'Replace this diary' }).click()
    const confirm = laptop.getByRole('dialog')
    await waitForText(confirm, 'are deleted')
    await confirm.getByRole('button', { name: 'Replace diary' }).click()
    await waitForText(laptop.getByTestId('restore-result'), 'Restored: 0 added, 20 updated, 1 removed.')
    await laptop.goto(laptop.url().replace(/#.*$/, '#/'))
    await waitForText(laptop.getByTestId('entry-count'), '20 entries')
    expect(stack.pageErrors).toEqual([])
  })
})
