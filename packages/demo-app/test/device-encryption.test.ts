import { MemoryCloud } from '@y-dropbox/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { initEntry, readEntry } from '../src/model/entry.ts'
import { bannerFor } from '../src/ui/Banner.tsx'
import { openDevice } from './helpers/test-device.ts'

const PASSPHRASE = 'blue heron at dawn'
const NEW_PASSPHRASE = 'grey heron at dusk'
const NOTE = 'Sharp pain behind the left knee after the stairs.'

const open: Array<{ close(): Promise<void> }> = []
afterEach(async () => {
  vi.restoreAllMocks()
  for (const d of open.splice(0)) await d.close()
})

async function device(cloud: MemoryCloud, name: string) {
  const d = await openDevice(cloud, name)
  open.push(d)
  return d
}

/** Every file of the cloud as path → bytes, to compare before and after a refused operation. */
function snapshot(cloud: MemoryCloud): Map<string, string> {
  return new Map(cloud.files().map((f) => [f.meta.path, f.meta.contentHash]))
}

/** Everything a device stores locally, as text (to look for a passphrase in it). */
async function storedText(local: Awaited<ReturnType<typeof openDevice>>['local']): Promise<string> {
  const parts: string[] = []
  for (const key of await local.keys('')) {
    const value = await local.get(key)
    parts.push(key, value ? new TextDecoder('utf-8', { fatal: false }).decode(value) : '')
  }
  return parts.join('\n')
}

describe('an encrypted pool, through the syncing tab', () => {
  it('creates an encrypted pool, asks a joining device for the passphrase, refuses a wrong one with nothing written', async () => {
    const cloud = new MemoryCloud()
    const phone = await device(cloud, 'Phone')
    const tablet = await device(cloud, 'Tablet')
    initEntry(await phone.leader.source.doc('e1'), { pain: 6, notes: NOTE })
    expect(await phone.calls.activate({ passphrase: PASSPHRASE })).toBe('created')
    expect(phone.leader.source.state()).toMatchObject({ encrypted: true, needsPassphrase: false })
    const poolFile = cloud.files().find((f) => f.meta.path === '/pain-diary/pool.json')
    const pool = JSON.parse(new TextDecoder().decode(poolFile?.data))
    expect(pool.encryption).toMatchObject({ kdf: 'PBKDF2-SHA256', cipher: 'AES-GCM-256' })

    const before = snapshot(cloud)
    // No passphrase: the engine says the pool is encrypted; sync stays off.
    await expect(tablet.calls.activate()).rejects.toMatchObject({
      name: 'PassphraseError',
      message: expect.stringMatching(/enter its passphrase/),
    })
    expect(tablet.leader.source.state()).toMatchObject({
      sync: { state: 'inactive' },
      encrypted: false,
      needsPassphrase: false,
    })
    // A wrong one: refused, and still nothing written anywhere.
    await expect(tablet.calls.activate({ passphrase: 'not the passphrase' })).rejects.toMatchObject({
      name: 'PassphraseError',
      message: expect.stringMatching(/passphrase is wrong/),
    })
    expect(tablet.leader.source.state().sync.state).toBe('inactive')
    expect(snapshot(cloud)).toEqual(before)

    expect(await tablet.calls.activate({ passphrase: PASSPHRASE })).toBe('joined')
    await tablet.calls.syncNow()
    expect(tablet.leader.source.state()).toMatchObject({ sync: { state: 'idle' }, encrypted: true })
    expect(readEntry(await tablet.leader.source.doc('e1')).notes).toBe(NOTE)
    // Nothing in the cloud shows the note or the device names in plain text.
    for (const file of cloud.files()) {
      const text = new TextDecoder('utf-8', { fatal: false }).decode(file.data)
      for (const secret of [NOTE, 'Phone', 'Tablet']) expect(text, file.meta.path).not.toContain(secret)
    }
  })

  it('refuses a passphrase for a plain pool before the engine sees it, so joining without one still works', async () => {
    const cloud = new MemoryCloud()
    const phone = await device(cloud, 'Phone')
    const tablet = await device(cloud, 'Tablet')
    await phone.calls.activate()
    const before = snapshot(cloud)
    await expect(tablet.calls.activate({ passphrase: PASSPHRASE })).rejects.toThrow(
      /not encrypted, so this device joins it without a passphrase/,
    )
    expect(snapshot(cloud)).toEqual(before)
    expect(await tablet.calls.activate()).toBe('joined')
    expect(tablet.leader.source.state().encrypted).toBe(false)
  })

  it('after a passphrase change elsewhere: asks for it, refuses a wrong one, unlocks, offers the master', async () => {
    const cloud = new MemoryCloud()
    const phone = await device(cloud, 'Phone')
    const tablet = await device(cloud, 'Tablet')
    initEntry(await phone.leader.source.doc('e1'), { pain: 4, notes: NOTE })
    await phone.calls.activate({ passphrase: PASSPHRASE })
    await tablet.calls.activate({ passphrase: PASSPHRASE })

    await phone.calls.changePassphrase(NEW_PASSPHRASE)
    expect(phone.leader.source.state()).toMatchObject({ sync: { state: 'idle' }, encrypted: true })
    initEntry(await phone.leader.source.doc('e2'), { pain: 2, notes: 'Written under the new passphrase.' })
    await phone.calls.syncNow()

    await expect(tablet.calls.syncNow()).rejects.toThrow(/changed on another device/)
    const waiting = tablet.leader.source.state()
    expect(waiting).toMatchObject({ sync: { state: 'error' }, needsPassphrase: true })
    expect(bannerFor(waiting)?.action).toBe('enter-passphrase')

    await expect(tablet.calls.unlock(PASSPHRASE)).rejects.toThrow(/passphrase is wrong/)
    // Still waiting for it: the banner keeps offering to enter it.
    expect(tablet.leader.source.state().needsPassphrase).toBe(true)

    await tablet.calls.unlock(NEW_PASSPHRASE)
    expect(tablet.leader.source.state()).toMatchObject({
      sync: { state: 'needs-master' },
      needsPassphrase: false,
      encrypted: true,
    })
    await tablet.calls.downloadMaster()
    expect(tablet.leader.source.state().sync.state).toBe('idle')
    expect(readEntry(await tablet.leader.source.doc('e2')).notes).toBe('Written under the new passphrase.')
  })

  it('never stores or logs a passphrase (the engine keeps only the derived key)', async () => {
    const logged: unknown[] = []
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => logged.push(...args))
    }
    const cloud = new MemoryCloud()
    const phone = await device(cloud, 'Phone')
    const tablet = await device(cloud, 'Tablet')
    await phone.calls.activate({ passphrase: PASSPHRASE })
    await tablet.calls.activate({ passphrase: 'a wrong passphrase' }).catch(() => {})
    await tablet.calls.activate({ passphrase: PASSPHRASE })
    await phone.calls.changePassphrase(NEW_PASSPHRASE)
    await tablet.calls.syncNow().catch(() => {})
    await tablet.calls.unlock(NEW_PASSPHRASE)
    for (const d of [phone, tablet]) {
      const stored = await storedText(d.local)
      for (const p of [PASSPHRASE, NEW_PASSPHRASE, 'a wrong passphrase']) expect(stored).not.toContain(p)
      expect(JSON.stringify(d.leader.source.state())).not.toMatch(/heron|wrong passphrase/)
    }
    expect(logged.map((l) => String(l)).join('\n')).not.toMatch(/heron|a wrong passphrase/)
  })
})
