import { describe, expect, it } from 'vitest'
import { Device, decodeState } from '../../../src/engine/device-state.ts'
import { MemoryLocalStore } from '../../../src/stores/memory-local-store.ts'

async function fresh(): Promise<Device> {
  return Device.load(new MemoryLocalStore(), 'phone')
}

describe('Device (the owner of the device state)', () => {
  it('a new device has an id, a name and no pool; loading again keeps them', async () => {
    const store = new MemoryLocalStore()
    const device = await Device.load(store, 'phone')
    expect(device.state).toMatchObject({ deviceName: 'phone', active: false, nextSeq: 1 })
    const again = await Device.load(store)
    expect(again.state.deviceId).toBe(device.state.deviceId)
  })

  it('entering an epoch starts coverage, quarantine, lost batches and catching up afresh', async () => {
    const device = await fresh()
    device.enterEpoch({ poolId: 'p', epoch: 'e1', snapshotApplied: true })
    device.cover('a', 3)
    device.quarantine('/x', 'r1')
    device.stepOver('b', 2)
    device.heartbeat(5)
    device.enterEpoch({ poolId: 'p', epoch: 'e2', snapshotApplied: false, nextSeq: 4, catchingUp: true })
    expect(device.state).toMatchObject({
      epoch: 'e2',
      nextSeq: 4,
      coverage: {},
      quarantine: {},
      catchingUp: true,
    })
    expect(device.state.skipped).toBeUndefined()
    // The device record names the epoch: it is written again.
    expect(device.state.lastHeartbeat).toBeUndefined()
  })

  it('allocates seqs without gaps and covers its own batches while contiguous', async () => {
    const device = await fresh()
    device.enterEpoch({ poolId: 'p', epoch: 'e', snapshotApplied: true })
    expect([device.allocateSeq(), device.allocateSeq()]).toEqual([1, 2])
    expect(device.state.coverage[device.state.deviceId]).toBe(2)
    device.enterEpoch({ poolId: 'p', epoch: 'e', snapshotApplied: false, nextSeq: 5 })
    expect(device.allocateSeq()).toBe(5)
    // Its batches 1-4 are not applied here yet (a master download): pull fetches them first.
    expect(device.state.coverage[device.state.deviceId]).toBeUndefined()
  })

  it('a new id keeps coverage of the old one only up to what it uploaded', async () => {
    const device = await fresh()
    device.enterEpoch({ poolId: 'p', epoch: 'e', snapshotApplied: true })
    const old = device.state.deviceId
    for (let i = 0; i < 3; i++) device.allocateSeq()
    const next = device.changeId(2)
    expect(next).not.toBe(old)
    expect(device.state.coverage[old]).toBe(1)
    expect(device.state.nextSeq).toBe(1)
  })

  it('a snapshot that covers a lost batch brings it back: it is no longer remembered as missing', async () => {
    const device = await fresh()
    device.enterEpoch({ poolId: 'p', epoch: 'e', snapshotApplied: true })
    device.stepOver('b', 2)
    device.stepOver('b', 5)
    expect(device.state.coverage.b).toBe(5)
    device.coverSnapshot({ b: 3 })
    expect(device.state.skipped).toEqual({ b: [5] })
    device.coverSnapshot({ b: 6 })
    expect(device.state.skipped).toBeUndefined()
  })

  it('stops, forgets and resumes with the reason the status needs', async () => {
    const device = await fresh()
    device.enterEpoch({ poolId: 'p', epoch: 'e', snapshotApplied: true })
    device.stop('pool-replaced')
    expect(device.state).toMatchObject({ active: false, stoppedReason: 'pool-replaced' })
    device.resume()
    expect(device.state.stoppedReason).toBeUndefined()
    device.forgetPool()
    expect(device.state).toMatchObject({ active: false, stoppedReason: 'deleted-here', nextSeq: 1 })
    expect(device.state.poolId).toBeUndefined()
    device.deactivate()
    expect(device.state.stoppedReason).toBeUndefined()
  })

  it('kept edits are listed per backup and forgotten when that backup is restored', async () => {
    const device = await fresh()
    device.keepEdit('b1', 'x')
    device.keepEdit('b1', 'x')
    device.keepEdit('b1', 'y')
    expect(device.state.keptEdits).toEqual({ backup: 'b1', ids: ['x', 'y'] })
    device.forgetKeptEdits('b0')
    expect(device.state.keptEdits).toBeDefined()
    device.forgetKeptEdits('b1')
    expect(device.state.keptEdits).toBeUndefined()
  })

  it('persists with save() and in the writes of others with record()', async () => {
    const store = new MemoryLocalStore()
    const device = await Device.load(store)
    device.rename('tablet')
    await store.write([device.record()])
    expect((await Device.load(store)).state.deviceName).toBe('tablet')
  })

  it('refuses a stored state it does not recognise', () => {
    expect(() => decodeState(new TextEncoder().encode('{'))).toThrow(/not valid JSON/)
    expect(() => decodeState(new TextEncoder().encode('{"format":2}'))).toThrow(/not recognised/)
  })
})
