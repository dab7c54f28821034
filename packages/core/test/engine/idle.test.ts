/**
 * An idle device stays quiet: its device record (whose every write wakes the
 * other devices) is refreshed every `heartbeatMs` only in rounds that push,
 * every `idleHeartbeatMs` otherwise; a watching device still runs a round
 * after `idleRoundMs` without changes.
 */
import { describe, expect, it } from 'vitest'
import { MemoryCloud, openDevice, setField } from './helpers.ts'

const MINUTE = 60_000

/** A device on a clock the test moves. */
async function deviceOnClock(extra: Parameters<typeof openDevice>[2] = {}) {
  const cloud = new MemoryCloud()
  let now = Date.UTC(2026, 0, 1)
  const device = await openDevice(cloud, 'phone', { now: () => now, ...extra })
  await device.engine.activate()
  const revOfRecord = () => cloud.files('/diary/devices')[0]?.meta.rev
  return {
    device,
    revOfRecord,
    advance: (ms: number) => {
      now += ms
    },
  }
}

describe('an idle device', () => {
  it('refreshes its device record every heartbeatMs while it pushes, every idleHeartbeatMs otherwise', async () => {
    const { device, revOfRecord, advance } = await deviceOnClock({
      heartbeatMs: 10 * MINUTE,
      idleHeartbeatMs: 24 * 60 * MINUTE,
    })
    const first = revOfRecord()
    expect(first).toBeDefined()
    advance(11 * MINUTE)
    await device.engine.syncNow()
    expect(revOfRecord()).toBe(first)
    await setField(device.engine, 'e1', 'pain', 3)
    await device.engine.syncNow()
    const pushed = revOfRecord()
    expect(pushed).not.toBe(first)
    advance(23 * 60 * MINUTE)
    await device.engine.syncNow()
    expect(revOfRecord()).toBe(pushed)
    advance(2 * 60 * MINUTE)
    await device.engine.syncNow()
    expect(revOfRecord()).not.toBe(pushed)
  })

  it('runs a round after idleRoundMs without changes when it watches', async () => {
    const cloud = new MemoryCloud()
    const device = await openDevice(cloud, 'phone', { autoSync: true, idleRoundMs: 20, pollIntervalMs: 10 })
    await device.engine.activate()
    // Nothing changes in the pool: the long-poll (30 s) stays quiet, only idle rounds list again.
    const lists = () => device.remote.stats().calls.list
    const before = lists()
    await expect.poll(lists, { timeout: 20_000, interval: 20 }).toBeGreaterThan(before + 1)
    await device.engine.close()
  })
})
