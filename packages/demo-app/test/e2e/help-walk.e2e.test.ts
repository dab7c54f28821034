/**
 * Walks the product's help page ("Device to Device Synchronization") the way a person does, with
 * three simulated devices on one emulated Dropbox account and background sync only (nobody presses
 * "Synchronize DB Now"): activate the primary, the secondaries (one downloads the master), edit at
 * the same moment on two and three devices, save while another device uploads, go offline and come
 * back, get a new master while an edit waits to upload and restore it from the local backup, turn
 * one device off, delete all sync data and start again. The phone is phone-sized (390 × 844); its
 * screenshots are phone-*.png (see SCREENSHOT_DIR in the harness).
 */
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible, expectVisibleFocus } from './a11y.ts'
import {
  activate,
  goTo,
  newEntry,
  notes,
  openDeviceSync,
  openEntry,
  pain,
  painLevel,
  phoneContext,
  type Stack,
  screenshot,
  startStack,
  syncAction,
  waitForPressed,
  waitForSyncState,
  waitForText,
} from './harness.ts'

/**
 * How long an edit may take to reach the other devices with background sync only (push after
 * 150 ms, long-poll): generous, as the machine running the tests may be busy.
 */
const ARRIVES_MS = 15_000
/** How long a device may take to notice something by itself after a fault ends (its retry backs off). */
const NOTICES_MS = 60_000

let stack: Stack
let phoneCtx: BrowserContext
let phone: Page
let tablet: Page
let laptop: Page
let firstEntry: string
let tabletEntry: string

beforeAll(async () => {
  stack = await startStack()
  phoneCtx = await phoneContext(stack)
  phone = await stack.open('phone', '#/', phoneCtx)
  tablet = await stack.open('tablet')
  laptop = await stack.open('laptop')
})

afterAll(async () => {
  await phoneCtx?.close()
  await stack?.close()
})

/** Waits until the open entry says it is synced (saved here, nothing waiting to upload). */
async function upToDate(page: Page): Promise<void> {
  await waitForText(page.getByTestId('saved-state'), 'synced', ARRIVES_MS)
}

/** The devices the pool list of `page` shows, as `name:state`, sorted. */
async function poolList(page: Page): Promise<string> {
  const rows = page.getByTestId('pool-devices').locator('li')
  const out: string[] = []
  for (const row of await rows.all())
    out.push(`${await row.getAttribute('data-device')}:${await row.getAttribute('data-device-state')}`)
  return out.sort().join(' ')
}

describe('Device Sync Services, as the help page describes them', () => {
  it('activates the primary device, which uploads its diary; "Return to Settings" returns to Settings', async () => {
    firstEntry = await newEntry(phone, { pain: 6, location: 'Neck', notes: 'Written before sync was on.' })
    await activate(phone)
    await waitForText(phone.getByRole('dialog'), 'Primary device')
    await expectAccessible(phone, 'sync services are now active (dialog)')
    await phone.getByRole('button', { name: 'Return to Settings' }).click()
    await phone.waitForURL(/#\/settings$/)
    await phone.locator('.menu').waitFor()
    await openDeviceSync(phone)
    await waitForSyncState(phone, 'Active')
    await expect.poll(async () => (await stack.poolFiles()).some((p) => p.endsWith('/pool.json'))).toBe(true)
    await expectAccessible(phone, 'device sync (active)')
  })

  it('activates a secondary device, which downloads the master after a confirmation that says what stays', async () => {
    tabletEntry = await newEntry(tablet, { pain: 2, notes: 'Tablet entry from before joining.' })
    await activate(tablet)
    const dialog = tablet.getByRole('dialog')
    await waitForText(dialog, 'nothing was lost')
    await dialog.getByRole('button', { name: 'Download Master DB to Device' }).click()
    const confirm = tablet.getByRole('dialog', { name: 'Download Master DB to Device?' })
    const words = (await confirm.textContent()) ?? ''
    expect(words).not.toContain('replaced by the master copy')
    expect(words).toContain('The entries this device had when it joined the sync pool stay')
    await confirm.getByRole('button', { name: 'Download Master DB' }).click()
    const done = tablet.getByRole('dialog', { name: 'Master DB Downloaded' })
    await waitForText(done, 'Backups on this device')
    await done.getByRole('button', { name: 'OK' }).click()
    await waitForSyncState(tablet, 'Active')
    await openEntry(tablet, firstEntry)
    expect(await notes(tablet)).toBe('Written before sync was on.')
    await openEntry(tablet, tabletEntry)
    expect(await notes(tablet)).toBe('Tablet entry from before joining.')
  })

  it('activates a third device; the pool lists all three as syncing', async () => {
    await activate(laptop)
    await laptop.getByRole('button', { name: 'Return to Settings' }).click()
    await openDeviceSync(phone)
    await expect
      .poll(() => poolList(phone), { timeout: NOTICES_MS })
      .toBe('Laptop:syncing Phone:syncing Tablet:syncing')
  })
})

describe('edits at the same moment, background sync only', () => {
  it('one entry, different fields on two devices: each sees the other, both up to date', async () => {
    await openEntry(phone, firstEntry)
    await openEntry(tablet, firstEntry)
    await Promise.all([
      painLevel(phone, 8).click(),
      tablet.getByRole('button', { name: 'Knees', exact: true }).click(),
    ])
    for (const page of [phone, tablet]) {
      await expect.poll(() => pain(page), { timeout: ARRIVES_MS }).toBe(8)
      await waitForPressed(page.getByRole('button', { name: 'Knees', exact: true }), true, ARRIVES_MS)
      await waitForPressed(page.getByRole('button', { name: 'Neck', exact: true }), true, ARRIVES_MS)
      await upToDate(page)
    }
  })

  it('the same notes typed on two devices at once: both keep both', async () => {
    await phone.locator('#notes').click()
    await phone.keyboard.press('Control+End')
    await tablet.locator('#notes').click()
    await tablet.keyboard.press('Control+Home')
    await Promise.all([
      phone.keyboard.type(' Phone adds this.', { delay: 25 }),
      tablet.keyboard.type('Tablet: ', { delay: 25 }),
    ])
    const expected = 'Tablet: Written before sync was on. Phone adds this.'
    for (const page of [phone, tablet]) {
      await expect.poll(() => notes(page), { timeout: ARRIVES_MS }).toBe(expected)
      await upToDate(page)
    }
  })

  it('two different entries edited at once on two devices: each sees the other', async () => {
    await openEntry(tablet, tabletEntry)
    await Promise.all([painLevel(phone, 7).click(), painLevel(tablet, 5).click()])
    await expect.poll(() => pain(phone), { timeout: ARRIVES_MS }).toBe(7)
    await upToDate(tablet)
    await openEntry(phone, tabletEntry)
    await expect.poll(() => pain(phone), { timeout: ARRIVES_MS }).toBe(5)
    await openEntry(tablet, firstEntry)
    await expect.poll(() => pain(tablet), { timeout: ARRIVES_MS }).toBe(7)
    await upToDate(phone)
    await upToDate(tablet)
  })

  it('three devices change one entry at once: all three see all three changes', async () => {
    await openEntry(phone, firstEntry)
    await openEntry(laptop, firstEntry)
    const triggers = { phone: 'Stress', tablet: 'Poor sleep', laptop: 'Travel' }
    await Promise.all([
      phone.getByRole('button', { name: triggers.phone, exact: true }).click(),
      tablet.getByRole('button', { name: triggers.tablet, exact: true }).click(),
      laptop.getByRole('button', { name: triggers.laptop, exact: true }).click(),
    ])
    for (const page of [phone, tablet, laptop]) {
      for (const trigger of Object.values(triggers))
        await waitForPressed(page.getByRole('button', { name: trigger, exact: true }), true, ARRIVES_MS)
      await upToDate(page)
    }
  })

  it('a save on one device while another is uploading: both edits arrive', async () => {
    // The phone's uploads are slowed down, so the tablet's save lands in the middle of one.
    const slow = await stack.fault({
      client: 'phone',
      route: 'files/upload',
      fault: 'latency',
      latencyMs: 2500,
    })
    await phone.getByRole('button', { name: 'Jaw', exact: true }).click()
    await waitForText(phone.getByTestId('status-banner'), /^Uploading/, ARRIVES_MS)
    await tablet.getByRole('button', { name: 'Hips', exact: true }).click()
    await stack.online(slow)
    for (const page of [phone, tablet]) {
      for (const place of ['Jaw', 'Hips'])
        await waitForPressed(page.getByRole('button', { name: place, exact: true }), true, ARRIVES_MS)
      await upToDate(page)
    }
  })
})

describe('offline and back, a new master, a local backup', () => {
  it('says in plain words that the phone is offline, keeps the banner in view, and catches up by itself', async () => {
    const rule = await stack.offline('phone')
    await painLevel(tablet, 3).click()
    await phone.locator('#notes').click()
    await phone.keyboard.press('Control+End')
    await phone.keyboard.type(' Typed while offline.')
    const banner = phone.getByTestId('status-banner')
    await waitForText(
      banner,
      "No connection to Dropbox. Your entries are saved on this device and will upload when you're back online.",
      NOTICES_MS,
    )
    expect(await banner.textContent()).not.toMatch(/pool\.json|attempts|retrying/)
    // The technical detail, one tap away.
    await banner.locator('.banner-text').click()
    await waitForText(phone.getByTestId('banner-details'), /Detail: .*(network|fetch|reach)/i)
    await banner.locator('.banner-text').click()
    // Scrolled to the notes of a long entry, the banner is still on screen, on one line.
    await phone.locator('#notes').scrollIntoViewIfNeeded()
    await phone.evaluate(() => window.scrollTo(0, document.body.scrollHeight))
    const box = await banner.boundingBox()
    expect(box).not.toBeNull()
    expect(box!.y).toBeGreaterThanOrEqual(0)
    expect(box!.y + box!.height).toBeLessThan(160)
    expect(
      await banner.locator('.banner-line').evaluate((el) => el.getBoundingClientRect().height),
    ).toBeLessThan(48)
    await screenshot(phone, 'phone-offline-banner')
    await expectAccessible(phone, 'entry with the offline banner')
    await stack.online(rule)
    await expect.poll(() => pain(phone), { timeout: NOTICES_MS }).toBe(3)
    await expect.poll(() => notes(tablet), { timeout: NOTICES_MS }).toContain('Typed while offline.')
    await upToDate(phone)
  })

  it('offers a new master in a one-line banner whose button downloads it right there', async () => {
    // An edit the phone cannot upload yet...
    const rule = await stack.offline('phone')
    await phone.locator('#notes').click()
    await phone.keyboard.press('Control+End')
    await phone.keyboard.type(' Unsent from the phone.')
    await waitForText(phone.getByTestId('status-banner'), 'No connection to Dropbox', NOTICES_MS)
    // ...while the tablet uploads a new master.
    await openDeviceSync(tablet)
    await syncAction(tablet, 'Upload Master DB to Cloud', 'Upload Master DB')
    await waitForSyncState(tablet, 'Active')
    await stack.online(rule)
    const banner = phone.getByTestId('status-banner')
    await waitForText(banner, 'Tablet uploaded a new master database', NOTICES_MS)
    await waitForText(banner, 'Your 1 change not yet uploaded is then kept in a backup on this device.')
    expect(
      await banner.locator('.banner-line').evaluate((el) => el.getBoundingClientRect().height),
    ).toBeLessThan(48)
    await screenshot(phone, 'phone-new-master-banner')
    const at = phone.url()
    await banner.getByRole('button', { name: 'Download Master DB to Device' }).click()
    const confirm = phone.getByRole('dialog', { name: 'Download Master DB to Device?' })
    await waitForText(confirm, 'Your 1 change not yet uploaded is not in the master.')
    expect(phone.url()).toBe(at)
    await expectAccessible(phone, 'download master confirmation')
    await screenshot(phone, 'phone-download-master')
    await confirm.getByRole('button', { name: 'Download Master DB' }).click()
    const done = phone.getByRole('dialog', { name: 'Master DB Downloaded' })
    await waitForText(done, 'with 1 entry that had changes not yet uploaded')
    await waitForText(done, 'Settings › Backup & Restore › Backups on this device')
    // The diary is the master's now: the open entry shows the master's notes, without the unsent
    // words, and goes on syncing what is typed into it.
    await done.getByRole('button', { name: 'OK' }).click()
    expect(phone.url()).toBe(at)
    await phone.locator('#notes[data-bound]').waitFor()
    await expect.poll(() => notes(phone), { timeout: ARRIVES_MS }).not.toContain('Unsent from the phone.')
    await phone.locator('#notes').click()
    await phone.keyboard.press('Control+End')
    await phone.keyboard.type(' After the download.')
    await openEntry(tablet, firstEntry)
    await expect.poll(() => notes(tablet), { timeout: ARRIVES_MS }).toContain('After the download.')
    // The laptop comes in line too, from its own banner.
    const laptopBanner = laptop.getByTestId('status-banner')
    await waitForText(laptopBanner, 'Tablet uploaded a new master database', NOTICES_MS)
    await laptopBanner.getByRole('button', { name: 'Download Master DB to Device' }).click()
    await laptop
      .getByRole('dialog', { name: 'Download Master DB to Device?' })
      .getByRole('button', { name: 'Download Master DB' })
      .click()
    await laptop
      .getByRole('dialog', { name: 'Master DB Downloaded' })
      .getByRole('button', { name: 'OK' })
      .click()
  })

  it('shows the local backup (when, why, which entries never uploaded) and merges the entry back', async () => {
    await goTo(phone, '#/settings/backup')
    const list = phone.getByTestId('local-backups')
    await waitForText(list, 'before Download Master DB to Device · ')
    await waitForText(list, '1 entry never uploaded')
    await screenshot(phone, 'phone-backups')
    await list.locator('[data-backup]').first().click()
    const contents = phone.getByTestId('backup-contents')
    const row = contents.locator(`[data-backup-entry="${firstEntry}"]`)
    await waitForText(row, 'never uploaded')
    expect(await row.getByRole('checkbox').isChecked()).toBe(true)
    await expectAccessible(phone, 'backups on this device')
    await row.getByRole('button', { name: 'Look' }).click()
    const look = phone.getByRole('dialog', { name: 'Entry in the backup' })
    await waitForText(look.getByTestId('backup-entry-view'), 'Unsent from the phone.')
    await expectAccessible(phone, 'an entry of a backup')
    await screenshot(phone, 'phone-backup-entry')
    await look.getByRole('button', { name: 'Close' }).click()
    await contents.getByRole('button', { name: 'Merge selected into diary' }).click()
    await phone
      .getByRole('dialog', { name: 'Merge into the diary?' })
      .getByRole('button', { name: 'Merge' })
      .click()
    await waitForText(phone.getByTestId('local-restore-result'), 'Merged 1 entry from the backup of')
    await openEntry(phone, firstEntry)
    await expect.poll(() => notes(phone), { timeout: ARRIVES_MS }).toContain('Unsent from the phone.')
    await openEntry(tablet, firstEntry)
    await expect.poll(() => notes(tablet), { timeout: ARRIVES_MS }).toContain('Unsent from the phone.')
  })
})

describe('turning off and deleting', () => {
  it('turns sync off for one device; the others go on and list it as off', async () => {
    await openDeviceSync(laptop)
    await syncAction(laptop, 'Turn Off Sync Services for Device', 'Turn Off')
    await waitForSyncState(laptop, 'Off')
    const id = await newEntry(phone, { pain: 1, notes: 'Only for the devices still syncing.' })
    await openEntry(tablet, id)
    await expect
      .poll(() => notes(tablet), { timeout: ARRIVES_MS })
      .toBe('Only for the devices still syncing.')
    await openDeviceSync(phone)
    await expect
      .poll(() => poolList(phone), { timeout: NOTICES_MS })
      .toBe('Laptop:off Phone:syncing Tablet:syncing')
    await waitForText(phone.locator('[data-device="Laptop"]'), 'Sync off')
    await screenshot(phone, 'phone-device-sync')
    await goTo(laptop, '#/')
    expect(await laptop.locator(`[data-entry="${id}"]`).count()).toBe(0)
  })

  it('deletes all sync data; the others say why; a new pool lists the devices that join it', async () => {
    await phone.getByRole('button', { name: 'Delete All Local & Remote Sync Data' }).click()
    const confirm = phone.getByRole('dialog')
    await waitForText(confirm, 'In Dropbox')
    await waitForText(confirm, '/pain-diary')
    await confirm.getByRole('button', { name: 'Delete All Sync Data' }).click()
    await waitForSyncState(phone, 'Off')
    await expect.poll(() => stack.poolFiles(), { timeout: NOTICES_MS }).toEqual([])
    // The tablet notices by itself, and says why it stopped.
    await openDeviceSync(tablet)
    await waitForSyncState(tablet, 'Off', NOTICES_MS)
    await waitForText(tablet.getByTestId('sync-message'), 'deleted (from another device')
    await waitForText(tablet.getByTestId('status-banner'), 'Your diary is safe on this device')
    // Starting again: the phone makes a new pool, the tablet joins it.
    await activate(phone)
    await phone.getByRole('button', { name: 'Return to Settings' }).click()
    await activate(tablet)
    await tablet.getByRole('button', { name: 'Return to Settings' }).click()
    await openDeviceSync(phone)
    await openDeviceSync(tablet)
    for (const page of [phone, tablet])
      await expect.poll(() => poolList(page), { timeout: NOTICES_MS }).toBe('Phone:syncing Tablet:syncing')
    expect(stack.pageErrors).toEqual([])
  })
})

describe('the sync screens with the keyboard only', () => {
  it('reaches every sync button with Tab, each with a visible focus ring; dialogs keep and give back the focus', async () => {
    await openDeviceSync(tablet)
    await waitForSyncState(tablet, 'Active')
    await tablet.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    const reached: string[] = []
    for (let i = 0; i < 40 && !reached.includes('Delete All Local & Remote Sync Data'); i++) {
      await tablet.keyboard.press('Tab')
      await expectVisibleFocus(tablet)
      reached.push(
        await tablet.evaluate(() => {
          const el = document.activeElement as HTMLElement
          return el.getAttribute('aria-label') ?? el.textContent?.trim() ?? ''
        }),
      )
    }
    expect(reached).toEqual(
      expect.arrayContaining([
        'Synchronize DB Now',
        'Upload Master DB to Cloud',
        'Download Master DB to Device',
        'Change Sync Passphrase',
        'Turn Off Sync Services for Device',
        'Delete All Local & Remote Sync Data',
      ]),
    )
    // Enter opens a confirmation with the focus in it; Tab stays in it; Escape gives the focus back.
    await tablet.getByRole('button', { name: 'Upload Master DB to Cloud' }).focus()
    await tablet.keyboard.press('Enter')
    const dialog = tablet.getByRole('dialog', { name: 'Upload Master DB to Cloud?' })
    await dialog.waitFor()
    for (let i = 0; i < 3; i++) {
      await tablet.keyboard.press('Tab')
      expect(await tablet.evaluate(() => document.activeElement?.closest('[role="dialog"]') !== null)).toBe(
        true,
      )
      await expectVisibleFocus(tablet)
    }
    await tablet.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    expect(await tablet.evaluate(() => document.activeElement?.textContent?.trim())).toBe(
      'Upload Master DB to Cloud',
    )
    // Enter runs an operation.
    await tablet.getByRole('button', { name: 'Synchronize DB Now' }).focus()
    await tablet.keyboard.press('Enter')
    await waitForSyncState(tablet, 'Active')
    await expectAccessible(tablet, 'device sync (after the keyboard walk)')
  })
})
