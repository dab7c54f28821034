/**
 * Sequences a user (or a hostile tester) can hit, each of which once broke a
 * promise of the engine: holes in a device's log, a deleted pool that
 * loops, two engines on one store, housekeeping failures failing a sync.
 */
import { describe, expect, it } from 'vitest'
import { NeedsMasterError, PoolDeletedError, StoreInUseError } from '../../src/errors.ts'
import { activePair, contents, MemoryCloud, openDevice, setField } from './helpers.ts'

function logSeqs(cloud: MemoryCloud, deviceId: string): number[] {
  return cloud
    .files('/diary/epochs')
    .filter((f) => f.meta.path.includes(`/log/${deviceId}/`))
    .map((f) => Number(f.meta.path.split('/').pop()!.replace('.ydu', '')))
    .sort((a, b) => a - b)
}

describe('sequences that must not break sync', () => {
  it('Turn Off then Activate with an unsent batch leaves no hole in the device log', async () => {
    const { cloud, phone, tablet } = await activePair()
    await setField(phone.engine, 'a1', 'pain', 1)
    await phone.engine.syncNow()
    // The batch is sealed, then its upload fails: it waits in the outbox.
    phone.remote.setFaults({ failPaths: /\/log\// })
    await setField(phone.engine, 'a2', 'pain', 2)
    await expect(phone.engine.syncNow()).rejects.toThrow()
    phone.remote.setFaults({ failPaths: undefined })
    await phone.engine.deactivate()
    await phone.engine.activate()
    // Activate pressed again on an active device does the same.
    await setField(phone.engine, 'a3', 'pain', 3)
    await phone.engine.activate()
    await phone.engine.syncNow()
    const seqs = logSeqs(cloud, phone.engine.deviceId)
    expect(seqs).toEqual(seqs.map((_, i) => i + 1))
    await tablet.engine.syncNow()
    expect(await contents(tablet.engine)).toEqual({ a1: { pain: 1 }, a2: { pain: 2 }, a3: { pain: 3 } })
    expect(tablet.engine.status.message).toBe('Up to date')
  })

  it('Delete All then Activate on one device stops the others cleanly as inactive, and they can join the new pool', async () => {
    const { phone, tablet } = await activePair()
    await setField(tablet.engine, 'b', 'pain', 2)
    await tablet.engine.syncNow()
    await phone.engine.syncNow()
    await phone.engine.deleteAllSyncData()
    expect(await phone.engine.activate()).toBe('created')
    await expect(tablet.engine.syncNow()).rejects.toBeInstanceOf(PoolDeletedError)
    expect(tablet.engine.status.state).toBe('inactive')
    expect(tablet.engine.status.message).toMatch(/deleted/)
    expect(tablet.engine.status.message).toMatch(/activate/i)
    expect(await contents(tablet.engine)).toEqual({ b: { pain: 2 } })
    expect(await tablet.engine.activate()).toBe('joined')
    await phone.engine.syncNow()
    expect(await contents(phone.engine)).toEqual({ b: { pain: 2 } })
  })

  it('a device whose pool was deleted and re-created makes few calls in the background, then rests', async () => {
    const cloud = new MemoryCloud()
    const phone = await openDevice(cloud, 'phone')
    const tablet = await openDevice(cloud, 'tablet', {
      autoSync: true,
      pushDelayMs: 5,
      pollIntervalMs: 50,
      retryDelayMs: { base: 20, max: 200 },
    })
    await phone.engine.activate()
    await tablet.engine.activate()
    await phone.engine.deleteAllSyncData()
    await phone.engine.activate()
    const before = tablet.remote.stats().calls
    await new Promise((r) => setTimeout(r, 600))
    const after = tablet.remote.stats().calls
    const calls = Object.entries(after).reduce((n, [k, v]) => n + v - before[k as keyof typeof before], 0)
    expect(tablet.engine.status.state).toBe('inactive')
    expect(calls).toBeLessThan(20)
    await tablet.engine.close()
  })

  it('a second engine on a LocalStore in use is refused with a clear error; the first goes on', async () => {
    const cloud = new MemoryCloud()
    const tab1 = await openDevice(cloud, 'phone')
    await expect(openDevice(cloud, 'phone', { local: tab1.local })).rejects.toBeInstanceOf(StoreInUseError)
    await expect(openDevice(cloud, 'phone', { local: tab1.local })).rejects.toThrow(/already in use/)
    await tab1.engine.activate()
    await setField(tab1.engine, 'x', 'pain', 1)
    await tab1.engine.syncNow()
    // Once the first engine is closed, the store can be opened again.
    await tab1.engine.close()
    const again = await openDevice(cloud, 'phone', { local: tab1.local })
    expect(await contents(again.engine)).toEqual({ x: { pain: 1 } })
    await again.engine.close()
  })

  it('syncNow resolves once push and pull are done, even when only housekeeping fails', async () => {
    const { phone, tablet } = await activePair({ heartbeatMs: 0, idleHeartbeatMs: 0 })
    phone.remote.setFaults({ failPaths: /\/devices\// })
    await setField(phone.engine, 'a', 'pain', 1)
    await setField(tablet.engine, 'b', 'pain', 2)
    await tablet.engine.syncNow()
    await phone.engine.syncNow()
    expect(phone.engine.status.state).toBe('idle')
    await tablet.engine.syncNow()
    expect(await contents(tablet.engine)).toEqual({ a: { pain: 1 }, b: { pain: 2 } })
    expect(await contents(phone.engine)).toEqual({ a: { pain: 1 }, b: { pain: 2 } })
    // A housekeeping failure that persists is shown as a notice, not as offline.
    await phone.engine.syncNow()
    await phone.engine.syncNow()
    expect(phone.engine.status.state).toBe('idle')
    expect(phone.engine.status.message).toMatch(/device list/i)
    phone.remote.setFaults({ failPaths: undefined })
    await phone.engine.syncNow()
    expect(phone.engine.status.message).toBe('Up to date')
  })

  it('a batch lost from the folder is never counted as held here: no compaction over it, and a snapshot brings it back', async () => {
    const { cloud, phone, tablet } = await activePair()
    for (const id of ['a1', 'a2', 'a3']) {
      await setField(phone.engine, id, 'pain', 1)
      await phone.engine.syncNow()
    }
    const lost = cloud
      .files('/diary/epochs')
      .find((f) => f.meta.path.endsWith(`/log/${phone.engine.deviceId}/0000000002.ydu`))!
    await cloud.connect().delete([lost.meta.path])
    for (let round = 0; round < 4; round++) await tablet.engine.syncNow()
    expect(Object.keys(await contents(tablet.engine)).sort()).toEqual(['a1', 'a3'])
    expect(tablet.engine.status.message).toMatch(/missing from the sync folder/)
    // Its coverage claims the lost batch, so a snapshot from it would hide the loss for good.
    expect(await tablet.engine.compact()).toBe(false)
    // The device that wrote it still has it: its snapshot brings the content back.
    expect(await phone.engine.compact()).toBe(true)
    await tablet.engine.syncNow()
    expect(Object.keys(await contents(tablet.engine)).sort()).toEqual(['a1', 'a2', 'a3'])
    expect(await tablet.engine.compact()).toBe(true)
  })

  it('refuses a garbage-collection grace period below an hour outside simulations', async () => {
    const cloud = new MemoryCloud()
    await expect(openDevice(cloud, 'phone', { gcGraceMs: 60_000 })).rejects.toThrow(
      /gcGraceMs must be at least/,
    )
    const sim = await openDevice(cloud, 'phone', { gcGraceMs: 60_000, unsafeShortGcGrace: true })
    await sim.engine.close()
  })

  it('the device list stays right: a device turned off is listed as off, and Delete All then re-joining lists both again', async () => {
    const { phone, tablet } = await activePair()
    const listed = async (engine: typeof phone.engine) =>
      (await engine.devices()).map((d) => `${d.name}:${d.state}`).sort()
    expect(await listed(phone.engine)).toEqual(['phone:syncing', 'tablet:syncing'])
    await tablet.engine.deactivate()
    expect(await listed(phone.engine)).toEqual(['phone:syncing', 'tablet:off'])
    await tablet.engine.activate()
    await phone.engine.deleteAllSyncData()
    await phone.engine.activate()
    await expect(tablet.engine.syncNow()).rejects.toThrow()
    await tablet.engine.activate()
    await phone.engine.syncNow()
    expect(await listed(phone.engine)).toEqual(['phone:syncing', 'tablet:syncing'])
    expect(await listed(tablet.engine)).toEqual(['phone:syncing', 'tablet:syncing'])
  })

  it('a device waiting for a new master that turns sync off is listed as off', async () => {
    const { phone, tablet } = await activePair()
    await phone.engine.uploadMaster()
    await expect(tablet.engine.syncNow()).rejects.toBeInstanceOf(NeedsMasterError)
    await tablet.engine.deactivate()
    const tabletSeen = (await phone.engine.devices()).find((d) => d.name === 'tablet')
    expect(tabletSeen).toMatchObject({ state: 'off' })
  })
})
