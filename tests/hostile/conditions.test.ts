/**
 * Conditions a user meets, each through DropboxBlobStore against the Dropbox
 * emulator: Dropbox full, access revoked, the pool folder deleted by hand
 * while devices run, and clocks days apart. Each checks that the status says
 * something a user can act on, that local data stays, and how sync resumes.
 */
import {
  AuthError,
  MemoryLocalStore,
  QuotaError,
  SyncEngine,
  type SyncEngineOptions,
  type SyncStatus,
} from '@y-dropbox/core'
import { type Emulator, startEmulator } from '@y-dropbox/dropbox-emulator'
import type { DropboxBlobStore } from '@y-dropbox/dropbox-provider'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { linkToEmulator } from '../emulator-link.ts'

const APP_KEY = 'conditions-app'
const ROOT = '/diary'
const DAY = 24 * 3600_000

let emulator: Emulator
const open: SyncEngine[] = []
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, maxLongpollMs: 200 })
})
afterAll(async () => {
  await emulator.close()
})
beforeEach(async () => {
  await emulator.reset()
  emulator.faults.clear()
})
afterEach(async () => {
  for (const engine of open.splice(0)) await engine.close()
})

/** A store with fresh tokens for device `tag`; the refresh token is returned for revoking. */
function link(tag: string): Promise<{ remote: DropboxBlobStore; refreshToken: string }> {
  return linkToEmulator(emulator, APP_KEY, tag, { maxRetryTimeMs: 300 })
}

/** Revokes a link as Dropbox's "disconnect app" does: every token of it stops working. */
async function revoke(refreshToken: string): Promise<void> {
  const query = `grant_type=refresh_token&refresh_token=${refreshToken}&client_id=${APP_KEY}`
  const renewed = await fetch(`${emulator.url}/oauth2/token?${query}`, { method: 'POST' })
  const { access_token } = (await renewed.json()) as { access_token: string }
  const revoked = await fetch(`${emulator.url}/2/auth/token/revoke`, {
    method: 'POST',
    headers: { authorization: `Bearer ${access_token}` },
  })
  expect(revoked.status).toBe(200)
}

/** Opens a device that syncs in the background with short delays, unless told otherwise. */
async function device(tag: string, options: Partial<SyncEngineOptions> = {}) {
  const local = (options.local as MemoryLocalStore | undefined) ?? new MemoryLocalStore()
  const { remote, refreshToken } = await link(tag)
  const engine = await SyncEngine.open({
    remote,
    local,
    root: ROOT,
    deviceName: tag,
    pushDelayMs: 10,
    pollIntervalMs: 100,
    retryDelayMs: { base: 20, max: 100 },
    onError: () => {},
    ...options,
  })
  open.push(engine)
  return { engine, local, refreshToken }
}

async function setPain(engine: SyncEngine, id: string, pain: number): Promise<void> {
  const doc = await engine.doc(id)
  doc.getMap('entry').set('pain', pain)
  await engine.flush()
}

async function painOf(engine: SyncEngine, id: string): Promise<unknown> {
  return (await engine.doc(id)).getMap('entry').get('pain')
}

async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  ms = 10_000,
): Promise<void> {
  const end = Date.now() + ms
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** The status the next time it rests in `error` (the background loop retries in between). */
async function errorStatus(engine: SyncEngine): Promise<SyncStatus> {
  await waitFor('the status shows the error', () => engine.status.state === 'error')
  return engine.status
}

describe('failure conditions over the Dropbox emulator', () => {
  it('Dropbox full: says so, keeps the change, resumes by itself once there is space', async () => {
    const phone = await device('phone')
    const tablet = await device('tablet', { autoSync: false })
    await phone.engine.activate()
    await tablet.engine.activate()
    emulator.faults.add({ id: 'full', client: 'phone', route: /upload/, fault: 'insufficient-space' })
    await setPain(phone.engine, 'monday', 6)
    await expect(phone.engine.syncNow()).rejects.toBeInstanceOf(QuotaError)
    // The background loop keeps retrying: between its rounds the status rests on the error.
    const status = await errorStatus(phone.engine)
    expect(status.pending).toBe(1)
    expect(status.message).toMatch(/Dropbox is full\. Free some space in Dropbox; syncing resumes/)
    console.log(`full: "${status.message}"`)
    expect(await painOf(phone.engine, 'monday')).toBe(6)
    const refused = emulator.faults.list()[0]!.hits
    await waitFor('the background loop tried again', () => emulator.faults.list()[0]!.hits > refused)
    emulator.faults.remove('full')
    await waitFor(
      'the phone is up to date',
      () => phone.engine.status.state === 'idle' && phone.engine.status.pending === 0,
    )
    await tablet.engine.syncNow()
    expect(await painOf(tablet.engine, 'monday')).toBe(6)
    console.log(`full: ${refused} uploads refused before space was freed, then up to date`)
  })

  it('access revoked: says to link again, keeps the change, resumes on the new link', async () => {
    const phone = await device('phone')
    const tablet = await device('tablet', { autoSync: false })
    await phone.engine.activate()
    await tablet.engine.activate()
    // An expired access token alone is renewed silently.
    emulator.expireAllAccessTokens()
    await setPain(phone.engine, 'monday', 3)
    await phone.engine.syncNow()
    await waitFor('renewed silently', () => phone.engine.status.state === 'idle')

    await revoke(phone.refreshToken)
    await setPain(phone.engine, 'tuesday', 8)
    const states: string[] = []
    phone.engine.on('status', (s) => states.push(s.state))
    await expect(phone.engine.syncNow()).rejects.toBeInstanceOf(AuthError)
    const status = await errorStatus(phone.engine)
    expect(status.pending).toBe(1)
    expect(status.message).toMatch(/revoked or has expired\. Link Dropbox again to resume syncing/)
    console.log(`revoked: "${status.message}"`)
    await new Promise((r) => setTimeout(r, 200))
    expect(states, 'never claims to be up to date without a link').not.toContain('idle')
    expect(await painOf(phone.engine, 'tuesday')).toBe(8)

    // A new link: a new store with fresh tokens and a new engine on the same LocalStore.
    await phone.engine.close()
    const relinked = await device('phone', { local: phone.local })
    expect(relinked.engine.status.pending).toBe(1)
    await relinked.engine.syncNow()
    await waitFor('the new link is up to date', () => relinked.engine.status.message === 'Up to date')
    expect(relinked.engine.status).toMatchObject({ state: 'idle', pending: 0 })
    await tablet.engine.syncNow()
    expect(await painOf(tablet.engine, 'tuesday')).toBe(8)
  })

  it('the pool folder deleted by hand: devices stop, keep their data, write nothing back, can start again', async () => {
    const phone = await device('phone')
    const tablet = await device('tablet')
    await phone.engine.activate()
    await tablet.engine.activate()
    await setPain(phone.engine, 'monday', 4)
    await phone.engine.syncNow()
    await waitFor('the tablet has monday', () => tablet.engine.list().some((d) => d.id === 'monday'))
    // Someone empties the folder from another app while both devices sync in the background.
    const { remote: other } = await link('other-app')
    await other.delete((await other.list(ROOT)).entries.map((e) => e.path))
    // Changes made after the deletion are kept here and never written there.
    await setPain(tablet.engine, 'tuesday', 7)
    await setPain(phone.engine, 'notes', 1)
    for (const d of [phone, tablet]) await waitFor('sync stopped', () => d.engine.status.state === 'inactive')
    await new Promise((r) => setTimeout(r, 300))
    const stray = (await other.list(ROOT)).entries.map((e) => e.path)
    console.log(`pool deleted by hand: "${phone.engine.status.message}"; written back: ${stray.length} files`)
    expect(stray, 'nothing written back into the deleted folder').toEqual([])
    for (const d of [phone, tablet]) {
      expect(d.engine.status.message).toMatch(
        /sync data in Dropbox was deleted.*activate sync to start again/,
      )
      await expect(d.engine.syncNow()).rejects.toThrow(/activate sync to start again/)
      expect(await painOf(d.engine, 'monday')).toBe(4)
    }
    expect(await painOf(tablet.engine, 'tuesday')).toBe(7)

    expect(await phone.engine.activate()).toBe('created')
    expect(await tablet.engine.activate()).toBe('joined')
    await phone.engine.syncNow()
    expect(await painOf(phone.engine, 'tuesday')).toBe(7)
    expect(await painOf(tablet.engine, 'notes')).toBe(await painOf(phone.engine, 'notes'))
  })

  it('clocks days apart: devices converge, and garbage collection leaves what a device still needs', async () => {
    const skews = { exact: 0, ahead: 9 * DAY, behind: -9 * DAY }
    let hours = 0
    const devices = await Promise.all(
      Object.entries(skews).map(async ([tag, skew]) => ({
        tag,
        ...(await device(tag, {
          autoSync: false,
          compactAfterFiles: 3,
          now: () => Date.now() + skew + hours * 3600_000,
        })),
      })),
    )
    // Every pool file ever seen, to count what garbage collection removed.
    const seen = new Set<string>()
    const gone = () => {
      const now = new Set(emulator.files().map((f) => f.pathLower))
      for (const path of now) seen.add(path)
      return [...seen].filter((p) => !now.has(p) && p.includes('/log/')).length
    }
    let goneWhileAway = 0
    for (const d of devices) await d.engine.activate()
    const edits: string[] = []
    for (let round = 0; round < 8; round++) {
      hours++
      // The device whose clock is behind is offline for a while, editing on its own.
      const offline = round >= 2 && round <= 5
      if (round === 2) emulator.faults.add({ id: 'away', client: 'behind', fault: 'offline' })
      if (round === 6) {
        goneWhileAway = gone()
        emulator.faults.remove('away')
      }
      for (const d of devices) {
        const id = `${d.tag}-${round}`
        await setPain(d.engine, `day${round % 3}`, round)
        ;(await d.engine.doc('log')).getArray<string>('edits').push([id])
        await d.engine.flush()
        edits.push(id)
        if (offline && d.tag === 'behind') continue
        await d.engine.syncNow()
        await d.engine.collectGarbage()
        gone()
      }
    }
    for (let round = 0; round < 2; round++) for (const d of devices) await d.engine.syncNow()
    const views = []
    for (const d of devices) {
      expect(d.engine.status).toMatchObject({ state: 'idle', message: 'Up to date' })
      const log = (await d.engine.doc('log')).getArray<string>('edits').toArray()
      expect([...log].sort(), `${d.tag} has every edit`).toEqual([...edits].sort())
      views.push(
        d.engine
          .list()
          .map((x) => x.id)
          .sort(),
      )
    }
    expect(views[1]).toEqual(views[0])
    expect(views[2]).toEqual(views[0])
    console.log(
      `clock skew: ${goneWhileAway} log files collected while the device behind was away, ${gone()} in all; ` +
        `${edits.length} edits on every device`,
    )
    expect(goneWhileAway, 'the device ahead collected logs while one was away').toBeGreaterThan(0)
  })
})
