/** maintenance.ts on its own: compaction, garbage collection, device records, summaries. */
import { describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import { setCipher } from '../../../src/engine/encryption.ts'
import { deletePool, uploadMaster } from '../../../src/engine/lifecycle.ts'
import {
  announceOff,
  collectGarbage,
  compact,
  readDevices,
  refreshSummaries,
  uncompacted,
  writeDeviceRecord,
} from '../../../src/engine/maintenance.ts'
import { readPool } from '../../../src/engine/pool-check.ts'
import { pull } from '../../../src/engine/pull.ts'
import { parseDevice } from '../../../src/remote/records.ts'
import { edit, fileAt, joined, MemoryCloud, type Parts, paths, push } from './fixture.ts'

const KEY = { salt: 'salt', raw: new Uint8Array(32).fill(5) }

async function pool(device: Parts) {
  return (await readPool(device.ctx))!.pool
}

describe('uncompacted and compact', () => {
  it('counts the batches beyond the newest snapshot, and a snapshot of what this device holds clears them', async () => {
    const cloud = new MemoryCloud()
    const phone = await joined(cloud)
    await push(phone, 'a', 1)
    await push(phone, 'b', 2)
    const backlog = await uncompacted(phone.ctx)
    expect(backlog.files).toBe(2)
    expect(backlog.bytes).toBe(
      cloud
        .files('/diary/epochs')
        .reduce((n, f) => n + (f.meta.path.endsWith('.ydu') ? f.data.length : 0), 0),
    )
    const manifest = await compact(phone.ctx)
    expect(manifest?.coverage).toEqual({ [phone.core.state.deviceId]: 2 })
    expect(await uncompacted(phone.ctx)).toEqual({ files: 0, bytes: 0 })
  })

  it('refuses while this device has changes not uploaded, or batches not applied', async () => {
    const cloud = new MemoryCloud()
    const phone = await joined(cloud)
    const tablet = await joined(cloud, { deviceName: 'tablet' })
    // The tablet merges the pool's starting snapshot first: before, its database is not whole.
    expect(await compact(tablet.ctx)).toBeUndefined()
    await tablet.ctx.view.refresh()
    await pull(tablet.ctx)
    expect(await compact(tablet.ctx)).toBeDefined()
    await edit(phone, 'a', 1)
    expect(await compact(phone.ctx)).toBeUndefined()
    await push(phone, 'a', 2)
    // The tablet has not pulled the phone's batch.
    await tablet.ctx.view.refresh()
    expect(await compact(tablet.ctx)).toBeUndefined()
  })
})

describe('collectGarbage', () => {
  it('deletes an epoch the pool left, once the grace period is over', async () => {
    let clock = 5_000_000
    const cloud = new MemoryCloud()
    const phone = await joined(cloud, { now: () => clock, gcGraceMs: 3600_000 })
    await push(phone, 'a', 1)
    const old = phone.core.state.epoch!
    await uploadMaster(phone.ctx, undefined)
    await phone.ctx.view.refresh()
    expect(await collectGarbage(phone.ctx, await pool(phone))).toBe(0)
    clock += 3600_001
    const before = paths(cloud, `epochs/${old}`)
    expect(before.length).toBeGreaterThan(0)
    expect(await collectGarbage(phone.ctx, await pool(phone))).toBe(before.length)
    expect(paths(cloud, `epochs/${old}`)).toEqual([])
    expect(paths(cloud, `epochs/${phone.core.state.epoch}`).length).toBeGreaterThan(0)
  })
})

describe('device records', () => {
  it('writes name, platform, epoch and pushed seq, and reads them back as a device list', async () => {
    const cloud = new MemoryCloud()
    const phone = await joined(cloud, { now: () => 1234, platform: 'test-os' })
    const tablet = await joined(cloud, { deviceName: 'tablet', now: () => 99 })
    await push(phone, 'a', 1)
    await writeDeviceRecord(phone.ctx)
    await writeDeviceRecord(tablet.ctx)
    const record = parseDevice(fileAt(cloud, phone.core.layout.device(phone.core.state.deviceId))!, 'x')
    expect(record).toMatchObject({
      name: 'phone',
      platform: 'test-os',
      lastSeen: 1234,
      pushedSeq: 1,
      active: true,
    })
    expect(phone.core.state.lastHeartbeat).toBe(1234)
    const devices = await readDevices(tablet.ctx)
    expect(devices.map((d) => [d.name, d.isThisDevice, d.state, d.waitingForMaster])).toEqual([
      ['phone', false, 'syncing', false],
      ['tablet', true, 'syncing', false],
    ])
  })

  it('seals the record in an encrypted pool: the folder shows only the id', async () => {
    const cloud = new MemoryCloud()
    const phone = await joined(cloud, { platform: 'test-os' })
    setCipher(phone.ctx, KEY)
    await writeDeviceRecord(phone.ctx)
    const bytes = fileAt(cloud, phone.core.layout.device(phone.core.state.deviceId))!
    expect(new TextDecoder().decode(bytes)).not.toMatch(/phone|test-os/)
    expect((await readDevices(phone.ctx))[0]).toMatchObject({ name: 'phone', platform: 'test-os' })
    setCipher(phone.ctx, undefined)
    expect((await readDevices(phone.ctx))[0]).toMatchObject({ name: '(encrypted)' })
  })

  it('skips a damaged record, reporting it', async () => {
    const cloud = new MemoryCloud()
    const phone = await joined(cloud)
    await writeDeviceRecord(phone.ctx)
    await cloud.connect().put('/diary/devices/damaged0000.json', new Uint8Array([1, 2]), 'add')
    expect((await readDevices(phone.ctx)).map((d) => d.name)).toEqual(['phone'])
    expect(phone.errors).toEqual(['skipped a damaged device record'])
  })

  it('announces that sync is off into the pool it left, from an older epoch too, never into another pool', async () => {
    const cloud = new MemoryCloud()
    const phone = await joined(cloud)
    const tablet = await joined(cloud, { deviceName: 'tablet' })
    phone.core.device.deactivate()
    await announceOff(phone.ctx, undefined)
    expect((await readDevices(tablet.ctx)).find((d) => d.name === 'phone')?.state).toBe('off')
    await uploadMaster(tablet.ctx, undefined)
    let puts = cloud.stats().calls.put
    await announceOff(phone.ctx, undefined)
    expect(cloud.stats().calls.put).toBe(puts + 1)
    await deletePool(tablet.ctx)
    await joined(cloud, { deviceName: 'laptop' })
    puts = cloud.stats().calls.put
    await announceOff(phone.ctx, undefined)
    expect(cloud.stats().calls.put).toBe(puts)
    expect(paths(cloud, 'devices/').some((p) => p.includes(phone.core.state.deviceId))).toBe(false)
  })
})

describe('refreshSummaries', () => {
  const summarize = (doc: Y.Doc) => `pain ${doc.getMap('entry').get('pain')}`

  it('recomputes the summaries that are only hints, from the merged document', async () => {
    const cloud = new MemoryCloud()
    const phone = await joined(cloud, { summarize })
    await phone.core.lock.run(async () => {
      phone.core.index.set('a', { updatedAt: 1, deleted: false, summary: 'old', summaryStale: true })
    })
    await edit(phone, 'b', 2)
    await phone.local.write([['d/a', (await phone.local.get('d/b'))!]])
    expect(await refreshSummaries(phone.ctx)).toBe(1)
    expect(phone.core.index.get('a')).toMatchObject({ summary: 'pain 2', summaryBy: 'local' })
    expect(phone.core.index.get('a')?.summaryStale).toBe(false)
    expect(await refreshSummaries(phone.ctx)).toBe(0)
  })

  it('reports a summarize() that throws and stops retrying that document', async () => {
    const phone = await joined(new MemoryCloud(), {
      summarize: () => {
        throw new Error('app bug')
      },
    })
    await edit(phone, 'a', 1)
    phone.core.index.set('a', { ...phone.core.index.get('a')!, summaryStale: true })
    phone.errors.length = 0
    expect(await refreshSummaries(phone.ctx)).toBe(1)
    expect(phone.errors).toEqual(['summarize() threw for document a'])
    expect(phone.core.index.get('a')?.summaryStale).toBe(false)
  })
})
