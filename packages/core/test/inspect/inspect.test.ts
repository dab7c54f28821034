import { describe, expect, it } from 'vitest'
import { NeedsMasterError } from '../../src/errors.ts'
import { docToJson } from '../../src/inspect/doc-json.ts'
import { readPoolDocuments } from '../../src/inspect/documents.ts'
import { repairPool } from '../../src/inspect/repair.ts'
import { inspectPool } from '../../src/inspect/status.ts'
import { verifyPool } from '../../src/inspect/verify.ts'
import { MemoryCloud, openDevice, setField, type TestDevice } from '../engine/helpers.ts'

const PASSPHRASE = 'correct horse battery'

/** Three devices write, compact twice and sync; returns the devices and a store to inspect with. */
async function writtenPool(passphrase?: string) {
  const cloud = new MemoryCloud()
  const options = { compactAfterFiles: 4, ...(passphrase ? { passphrase } : {}) }
  const devices: TestDevice[] = []
  for (const name of ['phone', 'tablet', 'laptop']) devices.push(await openDevice(cloud, name, options))
  for (const d of devices) await d.engine.activate()
  for (let round = 0; round < 4; round++) {
    for (const [i, d] of devices.entries()) {
      await setField(d.engine, `entry-${round}-${i}`, 'pain', round + i)
      await setField(d.engine, 'shared', d.name, round)
      await d.engine.syncNow()
    }
  }
  await devices[0]!.engine.delete('entry-0-0')
  for (const d of devices) await d.engine.syncNow()
  for (const d of devices) await d.engine.syncNow()
  return { cloud, devices, store: cloud.connect() }
}

async function shown(device: TestDevice): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  for (const { id } of device.engine.list()) out[id] = (await device.engine.doc(id)).getMap('entry').toJSON()
  return out
}

async function exported(store: ReturnType<MemoryCloud['connect']>, passphrase?: string) {
  const { docs } = await readPoolDocuments(store, { root: '/diary', passphrase })
  return Object.fromEntries(docs.map((d) => [d.id, docToJson(d.update).entry ?? {}]))
}

describe.each([
  ['plain', undefined],
  ['encrypted', PASSPHRASE],
])('inspecting a %s pool', (_, passphrase) => {
  it('counts devices and entries, verifies, and exports what every device shows', async () => {
    const { devices, store } = await writtenPool(passphrase)
    const status = await inspectPool(store, { root: '/diary', passphrase })
    expect(status.encrypted).toBe(passphrase !== undefined)
    expect(status.devices.map((d) => d.name).sort()).toEqual(['laptop', 'phone', 'tablet'])
    expect(status.entries).toEqual({ total: 13, deleted: 1 })
    expect(status.files.snapshots.files).toBeGreaterThan(1)
    const report = await verifyPool(store, { root: '/diary', passphrase })
    expect(report.problems).toEqual([])
    const pool = await exported(store, passphrase)
    for (const device of devices) expect(await shown(device)).toEqual(pool)
  })

  it('finds a damaged batch and a missing shard, and repair fixes both without losing an edit', async () => {
    const { cloud, devices, store } = await writtenPool(passphrase)
    const before = await exported(store, passphrase)
    const status = await inspectPool(store, { root: '/diary', passphrase })
    const listed = (await store.list('/diary')).entries.map((e) => e.path)
    const shard = listed.find((p) => p.includes(`/shards/`) && status.snapshot && p.endsWith('.yds'))!
    const log = listed.find((p) => p.endsWith('/0000000001.ydu'))!
    const bytes = (await store.get(log))!.data.slice()
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff
    await store.put(log, bytes, 'overwrite')
    await store.delete([shard])
    const report = await verifyPool(store, { root: '/diary', passphrase })
    expect(report.ok).toBe(false)
    expect(report.problems.map((p) => p.path)).toEqual(expect.arrayContaining([log, shard]))

    const asked: string[] = []
    const repaired = await repairPool(store, {
      root: '/diary',
      passphrase,
      confirm: async (action) => {
        asked.push(action.remedy)
        return true
      },
    })
    expect(asked.length).toBeGreaterThan(0)
    expect(repaired.skipped).toEqual([])
    const after = await verifyPool(store, { root: '/diary', passphrase })
    expect(after.problems.filter((p) => p.severity === 'error')).toEqual([])
    expect(await store.get(log.replace('/diary/', '/diary/recovered/'))).toBeDefined()
    expect(await exported(store, passphrase)).toEqual(before)
    for (const device of devices) {
      await device.engine.syncNow()
      expect(await shown(device)).toEqual(before)
    }
    const fresh = await openDevice(cloud, 'new', passphrase ? { passphrase } : {})
    await fresh.engine.activate()
    expect(await shown(fresh)).toEqual(before)
  })

  it('a fresh master starts a new epoch that devices download with nothing lost', async () => {
    const { cloud, devices, store } = await writtenPool(passphrase)
    const before = await exported(store, passphrase)
    const old = await inspectPool(store, { root: '/diary', passphrase })
    const result = await repairPool(store, {
      root: '/diary',
      passphrase,
      freshMaster: true,
      writerName: 'the repair tool',
      confirm: async () => true,
    })
    expect(result.done.map((a) => a.remedy)).toEqual(['fresh-master'])
    const status = await inspectPool(store, { root: '/diary', passphrase })
    expect(status.epoch).not.toBe(old.epoch)
    expect(status.generation).toBe(old.generation + 1)
    expect(status.epochBy).toBe('the repair tool')
    expect((await verifyPool(store, { root: '/diary', passphrase })).ok).toBe(true)
    expect(await exported(store, passphrase)).toEqual(before)
    for (const device of devices) {
      await expect(device.engine.syncNow()).rejects.toBeInstanceOf(NeedsMasterError)
      expect(device.engine.status.message).toContain('the repair tool')
      await device.engine.downloadMaster()
      expect(await shown(device)).toEqual(before)
    }
    const fresh = await openDevice(cloud, 'new', passphrase ? { passphrase } : {})
    await fresh.engine.activate()
    expect(await shown(fresh)).toEqual(before)
  })

  it('a damaged batch no snapshot covers is named as lost; repair steps over it and devices keep its changes', async () => {
    const { cloud, devices, store } = await writtenPool(passphrase)
    const late = await openDevice(cloud, 'late', {
      compactAfterFiles: 1000,
      ...(passphrase ? { passphrase } : {}),
    })
    await late.engine.activate()
    await setField(late.engine, 'late-entry', 'pain', 9)
    await late.engine.syncNow()
    for (const d of devices) await d.engine.syncNow()
    const before = await shown(devices[0]!)
    const log = (await store.list('/diary')).entries
      .map((e) => e.path)
      .find((p) => p.includes(`/log/${late.engine.deviceId}/`))!
    const bytes = (await store.get(log))!.data.slice()
    bytes[9]! ^= 0x10
    await store.put(log, bytes, 'overwrite')
    const report = await verifyPool(store, { root: '/diary', passphrase })
    expect(report.ok).toBe(false)
    expect(report.lost).toEqual([log])
    await repairPool(store, { root: '/diary', passphrase, confirm: async () => true })
    expect((await verifyPool(store, { root: '/diary', passphrase })).ok).toBe(true)
    for (const d of devices) {
      await d.engine.syncNow()
      expect(await shown(d)).toEqual(before)
    }
    expect((await exported(store, passphrase))['late-entry']).toBeUndefined()
  })
})
