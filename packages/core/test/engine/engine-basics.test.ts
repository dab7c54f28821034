import { describe, expect, it } from 'vitest'
import { activePair, contents, MemoryCloud, openDevice, setField } from './helpers.ts'

describe('SyncEngine between devices', () => {
  it('creates a pool on the first device and joins it on the second, merging both diaries', async () => {
    const cloud = new MemoryCloud()
    const phone = await openDevice(cloud, 'phone')
    const tablet = await openDevice(cloud, 'tablet')
    await setField(phone.engine, 'a', 'pain', 3)
    await setField(tablet.engine, 'b', 'pain', 7)
    expect(await phone.engine.activate()).toBe('created')
    expect(await tablet.engine.activate()).toBe('joined')
    await phone.engine.syncNow()
    expect(await contents(phone.engine)).toEqual({ a: { pain: 3 }, b: { pain: 7 } })
    expect(await contents(tablet.engine)).toEqual({ a: { pain: 3 }, b: { pain: 7 } })
    expect(phone.engine.status.state).toBe('idle')
    expect(phone.engine.status.message).toBe('Up to date')
  })

  it('merges concurrent edits of one entry', async () => {
    const { phone, tablet } = await activePair()
    await setField(phone.engine, 'e', 'pain', 5)
    await setField(tablet.engine, 'e', 'notes', 'knee')
    await phone.engine.syncNow()
    await tablet.engine.syncNow()
    await phone.engine.syncNow()
    expect(await contents(phone.engine)).toEqual({ e: { pain: 5, notes: 'knee' } })
    expect(await contents(tablet.engine)).toEqual(await contents(phone.engine))
  })

  it('pushes one file per push whatever the number of changed documents', async () => {
    const cloud = new MemoryCloud()
    const phone = await openDevice(cloud, 'phone')
    await phone.engine.activate()
    const before = cloud.stats().calls.put ?? 0
    for (let i = 0; i < 50; i++) await setField(phone.engine, `doc-${i}`, 'pain', i % 10)
    await phone.engine.syncNow()
    const puts = (cloud.stats().calls.put ?? 0) - before
    // One batch, plus the first heartbeat of the device record.
    expect(puts).toBeLessThanOrEqual(2)
    expect(cloud.files('/diary/epochs').filter((f) => f.meta.path.includes('/log/')).length).toBe(1)
  })
})
