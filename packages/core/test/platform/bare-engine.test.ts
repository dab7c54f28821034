/**
 * The engine on a runtime without CompressionStream, Blob.prototype.stream
 * and crypto (React Native, older Safari, plain http): a plain pool works
 * through the built-in fallbacks; an encrypted one is refused with what is
 * missing and how to supply it, never reported as a network problem.
 */

import { hideWebPlatform } from '@y-dropbox/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { PassphraseError, PlatformError } from '../../src/errors.ts'
import { contents, MemoryCloud, MemoryLocalStore, openDevice, setField } from '../engine/helpers.ts'

const SECRET = 'correct horse battery staple'
const SUPPLY = /platform: \{ subtle \}/

let restore: (() => void) | undefined
afterEach(() => {
  restore?.()
  restore = undefined
})
const bare = () => {
  restore = hideWebPlatform()
}

describe('on a runtime without the web platform extras', () => {
  it('a plain pool syncs, compacts and bootstraps a new device', async () => {
    bare()
    const cloud = new MemoryCloud()
    const phone = await openDevice(cloud, 'phone', { platform: 'Hermes' })
    const tablet = await openDevice(cloud, 'tablet')
    await setField(phone.engine, 'a', 'notes', 'knee '.repeat(400))
    expect(await phone.engine.activate()).toBe('created')
    await setField(tablet.engine, 'b', 'pain', 3)
    expect(await tablet.engine.activate()).toBe('joined')
    await phone.engine.syncNow()
    expect(await phone.engine.compact()).toBe(true)
    const laptop = await openDevice(cloud, 'laptop')
    await laptop.engine.activate()
    await tablet.engine.syncNow()
    const expected = { a: { notes: 'knee '.repeat(400) }, b: { pain: 3 } }
    for (const device of [phone, tablet, laptop]) expect(await contents(device.engine)).toEqual(expected)
    const names = (await laptop.engine.devices()).map((d) => `${d.name} ${d.platform}`).sort()
    expect(names).toEqual(['laptop unknown', 'phone Hermes', 'tablet unknown'])
    // Compressed files were written (the fallback deflate ran), and the snapshot's shards verified.
    expect(cloud.files('/diary/epochs').some((f) => f.meta.path.endsWith('.yds'))).toBe(true)
  })

  it('a passphrase is refused at open, naming WebCrypto and platform.subtle', async () => {
    bare()
    const local = new MemoryLocalStore()
    const error = await openDevice(new MemoryCloud(), 'phone', { local, passphrase: SECRET }).catch((e) => e)
    expect(error).toBeInstanceOf(PlatformError)
    expect(error.missing).toBe('subtle')
    expect(error.message).toMatch(/WebCrypto \(crypto\.subtle/)
    expect(error.message).toMatch(SUPPLY)
    expect(await local.keys('')).toEqual([])
  })

  it('a device of an encrypted pool is refused at open; its data stays', async () => {
    const cloud = new MemoryCloud()
    const phone = await openDevice(cloud, 'phone', { passphrase: SECRET })
    await phone.engine.activate()
    await setField(phone.engine, 'a', 'pain', 5)
    await phone.engine.syncNow()
    await phone.engine.close()
    const kept = await phone.local.keys('')
    bare()
    await expect(openDevice(cloud, 'phone', { local: phone.local })).rejects.toThrow(SUPPLY)
    expect(await phone.local.keys('')).toEqual(kept)
    restore?.()
    const again = await openDevice(cloud, 'phone', { local: phone.local })
    expect(await contents(again.engine)).toEqual({ a: { pain: 5 } })
  })

  it('joining an encrypted pool says what is missing, not that the remote is unreachable', async () => {
    const cloud = new MemoryCloud()
    const phone = await openDevice(cloud, 'phone', { passphrase: SECRET })
    await phone.engine.activate()
    bare()
    const tablet = await openDevice(cloud, 'tablet')
    await expect(tablet.engine.activate()).rejects.toBeInstanceOf(PassphraseError)
    await expect(tablet.engine.unlock(SECRET)).rejects.toBeInstanceOf(PlatformError)
    // Sync stays off here (an activation that was refused), and the status says why.
    expect(tablet.engine.status).toMatchObject({ state: 'inactive', reason: 'refused' })
    expect(tablet.engine.status.message).toMatch(SUPPLY)
    await expect(tablet.engine.activate({ passphrase: SECRET })).rejects.toThrow(SUPPLY)
    expect(tablet.engine.status.message).not.toMatch(/reach|offline/i)
    expect(tablet.engine.status.state).not.toBe('offline')
  })
})
