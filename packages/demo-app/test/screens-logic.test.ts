import { describe, expect, it } from 'vitest'
import { profileFromUrl, profileUrl } from '../src/app/profile.ts'
import { parseRoute, routeHash } from '../src/app/router.ts'
import type { DeviceView } from '../src/device/device-api.ts'
import { describePlatform } from '../src/device/open-leader.ts'
import { clampPain } from '../src/model/entry.ts'
import { sampleEntries } from '../src/model/samples.ts'
import { bannerFor } from '../src/ui/Banner.tsx'
import { formatAgo, painColor, plural } from '../src/ui/format.ts'

const state = (sync: Partial<DeviceView['sync']>, extra: Partial<DeviceView> = {}): DeviceView => ({
  sync: { state: 'idle', reason: 'up-to-date', message: 'Up to date', pending: 0, ...sync },
  linked: true,
  deviceName: 'Phone',
  cloud: 'emulator',
  encrypted: false,
  needsPassphrase: false,
  ...extra,
})

describe('status banner', () => {
  it('says nothing while sync is simply off, and warns when it was stopped from elsewhere', () => {
    expect(bannerFor(undefined)).toBeUndefined()
    expect(
      bannerFor(state({ state: 'inactive', reason: 'off', message: 'Sync is off on this device' })),
    ).toBeUndefined()
    const stopped = 'Sync was turned off: the sync data in Dropbox was deleted from another device.'
    expect(bannerFor(state({ state: 'inactive', reason: 'pool-deleted', message: stopped }))).toMatchObject({
      kind: 'warn',
      text: stopped,
    })
  })

  it('shows work in progress with a spinner and a progress bar', () => {
    const view = bannerFor(
      state({
        state: 'syncing',
        message: 'Downloading…',
        progress: { phase: 'Downloading', step: 'downloading-changes', done: 3, total: 12 },
      }),
    )
    expect(view).toMatchObject({
      kind: 'info',
      busy: true,
      progress: 0.25,
      text: 'Downloading… (Downloading 3 of 12)',
    })
    expect(
      bannerFor(state({}, { task: { label: 'Adding sample entries', done: 50, total: 200 } })),
    ).toMatchObject({
      text: 'Adding sample entries… 50 of 200',
      progress: 0.25,
    })
  })

  it('keeps the sentence of the status while a round retries, with the retry among the details', () => {
    const view = bannerFor(
      state(
        { state: 'syncing', reason: 'uploading', message: 'Uploading 1 change…' },
        { retry: 'upload /pain-diary/x: attempt 2 failed (rate-limit, HTTP 429); next attempt in 3 s' },
      ),
    )
    expect(view).toMatchObject({ kind: 'info', busy: true, text: 'Uploading 1 change…' })
    expect(view?.details).toEqual([
      'Retrying: upload /pain-diary/x: attempt 2 failed (rate-limit, HTTP 429); next attempt in 3 s',
    ])
  })

  it('offers the fix for errors and new masters, and the backups when edits were kept', () => {
    const offline = bannerFor(
      state({
        state: 'offline',
        reason: 'offline',
        message: 'No connection to Dropbox.',
        detail: 'network error',
      }),
    )
    expect(offline).toMatchObject({ kind: 'warn', details: ['Detail: network error'] })
    expect(offline?.action).toBeUndefined()
    expect(bannerFor(state({ state: 'error', message: 'Sync stopped.' }))?.action).toBe('open-sync')
    expect(
      bannerFor(
        state({ state: 'error', reason: 'access-revoked', action: 'link-dropbox', message: 'Lost access.' }),
      )?.action,
    ).toBe('link-dropbox')
    expect(bannerFor(state({ state: 'needs-master', message: 'A new master…' }))?.action).toBe(
      'download-master',
    )
    expect(
      bannerFor(
        state({ notes: [{ kind: 'edits-kept', backup: 'b1', ids: ['e1'] }], message: 'Up to date. Kept.' }),
      ),
    ).toMatchObject({ kind: 'info', action: 'open-backups' })
  })

  it('is green when up to date and blue while changes wait', () => {
    expect(bannerFor(state({}))?.kind).toBe('ok')
    expect(bannerFor(state({ pending: 2, message: '2 changes waiting to upload' }))?.kind).toBe('info')
  })
})

describe('device profile and routes', () => {
  it('reads the device and timings from the URL, falling back on bad values', () => {
    const p = profileFromUrl(new URL('http://localhost/?device=work-laptop&push=100&poll=400&retry=900'))
    expect(p).toMatchObject({
      device: 'work-laptop',
      defaultName: 'Work Laptop',
      engineDb: 'pain-diary:work-laptop:sync',
      tokenDb: 'pain-diary:work-laptop:dropbox',
      pushDelayMs: 100,
      pollIntervalMs: 400,
      maxRetryMs: 900,
    })
    const bad = profileFromUrl(new URL('http://localhost/?device=../etc&push=-1&poll=x'))
    expect(bad).toMatchObject({ device: 'phone', pushDelayMs: 1000, pollIntervalMs: 30_000 })
    expect(bad.maxRetryMs).toBeUndefined()
    expect(profileUrl(new URL('http://localhost:5173/qa.html?push=5&x=1#/a'), 'tablet')).toBe(
      'http://localhost:5173/qa.html?device=tablet&push=5',
    )
  })

  it('parses and prints every route', () => {
    for (const hash of [
      '#/',
      '#/entry/abc',
      '#/new',
      '#/report',
      '#/settings',
      '#/settings/cloud',
      '#/settings/cloud/sync',
      '#/settings/backup',
    ]) {
      expect(routeHash(parseRoute(hash))).toBe(hash)
    }
    expect(parseRoute('#/nowhere')).toEqual({ name: 'diary' })
    expect(parseRoute('#/entry/a%20b')).toEqual({ name: 'entry', id: 'a b' })
  })
})

describe('samples and formatting', () => {
  it('makes plausible entries, newest first, reproducibly from a seed', () => {
    const now = new Date(2024, 5, 1, 12, 0).getTime()
    const a = [...sampleEntries(30, 7, now)]
    const b = [...sampleEntries(30, 7, now)]
    expect(a).toEqual(b)
    expect(
      a.every((e) => e.pain === clampPain(e.pain) && e.locations.length >= 1 && e.notes.length > 0),
    ).toBe(true)
    expect(a.map((e) => e.at)).toEqual([...a.map((e) => e.at)].sort().reverse())
    expect(a[0]!.at <= '2024-06-01T12:00').toBe(true)
  })

  it('formats counts, ages, colours and platforms', () => {
    expect(plural(1, 'entry', 'entries')).toBe('1 entry')
    expect(plural(1234, 'entry', 'entries')).toBe('1,234 entries')
    expect(plural(0, 'entry', 'entries')).toBe('0 entries')
    expect(formatAgo(undefined)).toBe('never')
    expect(formatAgo(1000, 3000)).toBe('just now')
    expect(formatAgo(0, 3000)).toBe('never')
    expect(formatAgo(1_000_000 - 120_000, 1_000_000)).toBe('2 min ago')
    expect(painColor(0)).not.toBe(painColor(10))
    expect(painColor(42)).toBe(painColor(10))
    expect(
      describePlatform('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36'),
    ).toBe('Chrome on Linux')
    expect(describePlatform('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1')).toBe(
      'Safari on iOS',
    )
  })
})

describe('entry fields and colours', () => {
  it('accepts a past date and time, and says what is wrong with an empty, broken or future one', async () => {
    const { dateTimeProblem } = await import('../src/ui/entry-form.tsx')
    const now = new Date(2024, 2, 5, 12, 0).getTime()
    expect(dateTimeProblem('2024-03-05T08:30', now)).toBeUndefined()
    expect(dateTimeProblem('2024-03-05T12:04', now)).toBeUndefined()
    expect(dateTimeProblem('', now)).toBe('Enter the date and time of this entry.')
    expect(dateTimeProblem('2024-03', now)).toMatch(/^Enter a whole date and time/)
    expect(dateTimeProblem('2024-03-06T08:30', now)).toMatch(/^That is in the future/)
  })

  it('writes on each pain colour in the ink that reads best, at least 4.5:1', async () => {
    const { contrast, inkOn, painColor, tint } = await import('../src/ui/format.ts')
    for (let n = 0; n <= 10; n++) {
      expect(contrast(painColor(n), inkOn(painColor(n)))).toBeGreaterThanOrEqual(4.5)
      expect(contrast(tint(painColor(n), 0.3), '#1d2733')).toBeGreaterThanOrEqual(4.5)
    }
  })
})
