import { describe, expect, it } from 'vitest'
import { NeedsMasterError, PoolDeletedError } from '../../src/errors.ts'
import { encodeBlob } from '../../src/format/blob.ts'
import {
  activePair,
  contents,
  MemoryCloud,
  MemoryLocalStore,
  openDevice,
  setField,
  type Y,
} from './helpers.ts'

describe('SyncEngine operations of the Device Sync Services screen', () => {
  it('reports status transitions with readable messages', async () => {
    const cloud = new MemoryCloud()
    const phone = await openDevice(cloud, 'phone')
    const seen: string[] = []
    phone.engine.on('status', (s) => seen.push(`${s.state}: ${s.message}`))
    expect(phone.engine.status).toMatchObject({ state: 'inactive', message: 'Sync is off on this device' })
    await phone.engine.activate()
    expect(phone.engine.status).toMatchObject({ state: 'idle', message: 'Up to date', pending: 0 })
    for (const id of ['a', 'b', 'c']) await setField(phone.engine, id, 'pain', 1)
    await phone.engine.flush()
    expect(phone.engine.status).toMatchObject({
      state: 'idle',
      message: '3 changes waiting to upload',
      pending: 3,
    })
    phone.remote.setFaults({ rateLimitRate: 1, retryAfterMs: 12_000 })
    await expect(phone.engine.syncNow()).rejects.toThrow(/rate limit/)
    expect(phone.engine.status).toMatchObject({
      state: 'syncing',
      reason: 'rate-limited',
      message: 'Cloud storage asked to slow down; retrying in 12 s',
    })
    phone.remote.setFaults({ rateLimitRate: 0, offline: true })
    await expect(phone.engine.syncNow()).rejects.toThrow()
    expect(phone.engine.status.state).toBe('offline')
    expect(phone.engine.status.message).toMatch(
      /Cannot reach cloud storage; retrying\. 3 changes will upload then/,
    )
    phone.remote.setFaults({ offline: false })
    await phone.engine.syncNow()
    expect(phone.engine.status).toMatchObject({ state: 'idle', message: 'Up to date', pending: 0 })
    expect(phone.engine.status.lastSyncAt).toBeTypeOf('number')
    expect(seen).toContain('syncing: Uploading 3 changes…')
  })

  it('uploadMaster puts other devices in needs-master, keeping their unsent changes until they download', async () => {
    const { cloud, phone, tablet } = await activePair()
    await setField(phone.engine, 'a', 'pain', 2)
    await phone.engine.uploadMaster()
    await setField(tablet.engine, 'b', 'pain', 9)
    await expect(tablet.engine.syncNow()).rejects.toBeInstanceOf(NeedsMasterError)
    expect(tablet.engine.status.state).toBe('needs-master')
    expect(tablet.engine.status.message).toMatch(
      /A new master database was uploaded from phone on .*Download the master database to continue syncing.*1 change not yet uploaded stay/,
    )
    // Nothing of the tablet reached the new epoch.
    const epoch = phone.engine.pool!.epoch
    expect(cloud.files(`/diary/epochs/${epoch}/log`)).toEqual([])
    expect(await contents(tablet.engine)).toMatchObject({ b: { pain: 9 } })

    const resets: string[] = []
    tablet.engine.on('docs', (e) => e.origin === 'reset' && resets.push(...e.added))
    const backup = await tablet.engine.downloadMaster()
    expect(tablet.engine.status.state).toBe('idle')
    expect(await contents(tablet.engine)).toEqual({ a: { pain: 2 } })
    expect(resets).toEqual(['a'])
    expect(await tablet.engine.backups()).toEqual([backup])
    // The discarded change can be brought back from the backup; it then syncs like an edit.
    expect(await tablet.engine.restoreBackup(backup)).toBe(1)
    await tablet.engine.syncNow()
    await phone.engine.syncNow()
    expect(await contents(phone.engine)).toEqual({ a: { pain: 2 }, b: { pain: 9 } })
  })

  it('deleteAllSyncData empties the pool; other devices stop with a message and keep their data', async () => {
    const { cloud, phone, tablet } = await activePair()
    await setField(tablet.engine, 'a', 'pain', 4)
    await tablet.engine.syncNow()
    await phone.engine.syncNow()
    await phone.engine.deleteAllSyncData()
    expect(cloud.files('/diary')).toEqual([])
    expect(phone.engine.status.state).toBe('inactive')
    await setField(tablet.engine, 'a', 'pain', 5)
    await expect(tablet.engine.syncNow()).rejects.toBeInstanceOf(PoolDeletedError)
    expect(tablet.engine.status).toMatchObject({ state: 'inactive' })
    expect(tablet.engine.status.message).toMatch(
      /deleted \(from another device, or by hand\).*stays on this device/,
    )
    expect(cloud.files('/diary')).toEqual([])
    expect(await contents(tablet.engine)).toEqual({ a: { pain: 5 } })
    expect(await contents(phone.engine)).toEqual({ a: { pain: 4 } })
    // Activating again starts a fresh pool that the other device can join.
    expect(await phone.engine.activate()).toBe('created')
    expect(await tablet.engine.activate()).toBe('joined')
    await phone.engine.syncNow()
    expect(await contents(phone.engine)).toEqual({ a: { pain: 5 } })
  })

  it('deactivate stops this device only', async () => {
    const cloud = new MemoryCloud()
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((n) => openDevice(cloud, n)))
    for (const d of [a!, b!, c!]) await d.engine.activate()
    await c!.engine.deactivate()
    expect(c!.engine.status.state).toBe('inactive')
    await setField(a!.engine, 'x', 'pain', 1)
    await a!.engine.syncNow()
    await b!.engine.syncNow()
    expect(await contents(b!.engine)).toEqual({ x: { pain: 1 } })
    await expect(c!.engine.syncNow()).rejects.toThrow(/not active/)
    expect(c!.engine.list()).toEqual([])
  })

  it('a deleted document stays deleted when another device edits it concurrently', async () => {
    const { phone, tablet } = await activePair()
    await setField(phone.engine, 'e', 'pain', 1)
    await phone.engine.syncNow()
    await tablet.engine.syncNow()
    await phone.engine.delete('e')
    await setField(tablet.engine, 'e', 'pain', 8)
    await phone.engine.syncNow()
    await tablet.engine.syncNow()
    await phone.engine.syncNow()
    for (const d of [phone, tablet]) expect(d.engine.list()).toMatchObject([{ id: 'e', deleted: true }])
    // Deleting an unknown id records a deleted document and does not throw.
    await phone.engine.delete('never-seen')
    expect(phone.engine.list().find((d) => d.id === 'never-seen')?.deleted).toBe(true)
  })

  it('quarantines a damaged batch: reported, skipped, never applied, sync goes on; retried when it changes', async () => {
    const { cloud, phone, tablet } = await activePair()
    await setField(phone.engine, 'a', 'pain', 1)
    await phone.engine.syncNow()
    const [log] = cloud.files('/diary/epochs').filter((f) => f.meta.path.includes('/log/'))
    const original = log!.data
    const damaged = original.slice()
    damaged[damaged.length - 10]! ^= 0xff
    const vandal = cloud.connect()
    await vandal.put(log!.meta.path, damaged, 'overwrite')
    await setField(phone.engine, 'b', 'pain', 2)
    await phone.engine.syncNow()
    const messages: string[] = []
    tablet.engine.on('status', (s) => messages.push(s.message))
    await tablet.engine.syncNow()
    expect(
      messages.some((m) =>
        /Skipped a damaged sync file \(not a valid y-dropbox blob: checksum mismatch/.test(m),
      ),
    ).toBe(true)
    expect(await contents(tablet.engine)).toEqual({ b: { pain: 2 } })
    await vandal.put(log!.meta.path, original, 'overwrite')
    await tablet.engine.syncNow()
    expect(await contents(tablet.engine)).toEqual({ a: { pain: 1 }, b: { pain: 2 } })
  })

  it('refuses a batch moved to another path (replay) as damaged', async () => {
    const { cloud, phone, tablet } = await activePair()
    await setField(phone.engine, 'a', 'pain', 1)
    await phone.engine.syncNow()
    const [log] = cloud.files('/diary/epochs').filter((f) => f.meta.path.includes('/log/'))
    const forged = log!.meta.path.replace(phone.engine.deviceId, 'zzzzzzzzzzzzzzzz')
    await cloud.connect().put(forged, log!.data, 'add')
    await tablet.engine.syncNow()
    expect(tablet.engine.status.state).toBe('idle')
    expect(await contents(tablet.engine)).toEqual({ a: { pain: 1 } })
    const bogus = await encodeBlob({
      kind: 'log',
      epoch: 'nope',
      deviceId: 'x',
      seq: 1,
      createdAt: 0,
      entries: [],
    })
    await cloud.connect().put(forged.replace('0000000001', '0000000002'), bogus, 'add')
    await tablet.engine.syncNow()
    expect(await contents(tablet.engine)).toEqual({ a: { pain: 1 } })
  })

  it('a cloned device (copied LocalStore) takes a new id; nothing is overwritten or lost', async () => {
    const cloud = new MemoryCloud()
    const phone = await openDevice(cloud, 'phone')
    await phone.engine.activate()
    await setField(phone.engine, 'a', 'pain', 1)
    await phone.engine.syncNow()
    await phone.engine.flush()
    const copy = new MemoryLocalStore({ entries: await dump(phone.local) })
    const clone = await openDevice(cloud, 'phone', { local: copy, deviceName: undefined })
    expect(clone.engine.deviceId).toBe(phone.engine.deviceId)
    await setField(phone.engine, 'a', 'pain', 2)
    await setField(clone.engine, 'b', 'pain', 3)
    await phone.engine.syncNow()
    await clone.engine.syncNow()
    expect(clone.engine.deviceId).not.toBe(phone.engine.deviceId)
    await phone.engine.syncNow()
    await clone.engine.syncNow()
    expect(await contents(phone.engine)).toEqual({ a: { pain: 2 }, b: { pain: 3 } })
    expect(await contents(clone.engine)).toEqual({ a: { pain: 2 }, b: { pain: 3 } })
  })

  it('a device restored from an old backup does not overwrite what it pushed since', async () => {
    const { cloud, phone, tablet } = await activePair()
    await phone.engine.flush()
    const old = await dump(phone.local)
    await setField(phone.engine, 'a', 'pain', 1)
    await phone.engine.syncNow()
    await phone.engine.close()
    const restored = await openDevice(cloud, 'phone', { local: new MemoryLocalStore({ entries: old }) })
    await setField(restored.engine, 'c', 'pain', 7)
    await restored.engine.syncNow()
    await restored.engine.syncNow()
    await tablet.engine.syncNow()
    expect(await contents(tablet.engine)).toEqual({ a: { pain: 1 }, c: { pain: 7 } })
    expect(await contents(restored.engine)).toEqual({ a: { pain: 1 }, c: { pain: 7 } })
  })

  it('a device offline for longer than the GC grace period converges from the snapshot and loses nothing', async () => {
    const cloud = new MemoryCloud()
    let clock = Date.UTC(2026, 0, 1)
    const now = () => clock
    const opts = { now, compactAfterFiles: 3 }
    const phone = await openDevice(cloud, 'phone', opts)
    const laptop = await openDevice(cloud, 'laptop', opts)
    await phone.engine.activate()
    await laptop.engine.activate()
    laptop.remote.setFaults({ offline: true })
    await setField(laptop.engine, 'offline-edit', 'pain', 6)
    for (let i = 0; i < 10; i++) {
      await setField(phone.engine, `e${i}`, 'pain', i)
      await phone.engine.syncNow()
    }
    const logs = () => cloud.files('/diary/epochs').filter((f) => f.meta.path.includes('/log/')).length
    expect(logs()).toBe(10)
    clock += 30 * 24 * 3600 * 1000
    await setField(phone.engine, 'late', 'pain', 1)
    // The round's upkeep collects garbage once the grace period has passed.
    await phone.engine.syncNow()
    expect(logs()).toBeLessThan(5)
    laptop.remote.setFaults({ offline: false })
    await laptop.engine.syncNow()
    await phone.engine.syncNow()
    expect(await contents(laptop.engine)).toEqual(await contents(phone.engine))
    expect(Object.keys(await contents(phone.engine))).toHaveLength(12)
  })

  it('resumes after a crash: unsent batches are uploaded byte for byte by the next engine', async () => {
    const { cloud, phone, tablet } = await activePair()
    await setField(phone.engine, 'a', 'pain', 3)
    phone.remote.setFaults({ failAfterWriteRate: 1 })
    await expect(phone.engine.syncNow()).rejects.toThrow()
    // Crash: the old engine is dropped without close; a new one opens the same data.
    await phone.local.close()
    const again = await openDevice(cloud, 'phone', { local: phone.local.reopen() })
    expect(again.engine.status.pending).toBe(1)
    await again.engine.syncNow()
    await tablet.engine.syncNow()
    expect(await contents(tablet.engine)).toEqual({ a: { pain: 3 } })
    expect(cloud.files('/diary/epochs').filter((f) => f.meta.path.includes('/log/'))).toHaveLength(1)
  })

  it('lists documents with summaries without loading them, and keeps device records', async () => {
    const cloud = new MemoryCloud()
    const summarize = (doc: Y.Doc) => ({ pain: doc.getMap('entry').get('pain') })
    const phone = await openDevice(cloud, 'phone', { summarize })
    const laptop = await openDevice(cloud, 'laptop', { summarize })
    await phone.engine.activate()
    for (let i = 0; i < 5; i++) await setField(phone.engine, `e${i}`, 'pain', i)
    await phone.engine.syncNow()
    await laptop.engine.activate()
    const list = laptop.engine.list().sort((x, y) => x.id.localeCompare(y.id))
    expect(list.map((d) => d.summary)).toEqual([0, 1, 2, 3, 4].map((pain) => ({ pain })))
    await laptop.engine.setDeviceName('Work laptop')
    await laptop.engine.syncNow()
    const devices = await phone.engine.devices()
    expect(devices.map((d) => [d.name, d.isThisDevice]).sort()).toEqual([
      ['Work laptop', false],
      ['phone', true],
    ])
  })
})

async function dump(store: MemoryLocalStore): Promise<Array<[string, Uint8Array]>> {
  const keys = await store.keys('')
  return Promise.all(keys.map(async (k) => [k, (await store.get(k))!] as [string, Uint8Array]))
}

describe('summaries', () => {
  it('recomputes a summary from the merged document when two devices changed it', async () => {
    const cloud = new MemoryCloud()
    const summarize = (doc: Y.Doc) => {
      const entry = doc.getMap('entry')
      return { pain: entry.get('pain') ?? null, notes: entry.get('notes') ?? null }
    }
    const phone = await openDevice(cloud, 'phone', { summarize })
    const tablet = await openDevice(cloud, 'tablet', { summarize })
    await phone.engine.activate()
    await tablet.engine.activate()
    await setField(phone.engine, 'e', 'pain', 3)
    await phone.engine.syncNow()
    await tablet.engine.syncNow()
    await setField(phone.engine, 'e', 'notes', 'knee')
    await setField(tablet.engine, 'e', 'pain', 6)
    await phone.engine.syncNow()
    await tablet.engine.syncNow()
    await phone.engine.syncNow()
    for (const d of [phone, tablet]) expect(d.engine.list()[0]!.summary).toEqual({ pain: 6, notes: 'knee' })
  })
})

describe('crafted batches', () => {
  it('quarantines a well-formed blob whose Yjs update is malformed, and keeps syncing the rest', async () => {
    const { encodeBlob } = await import('../../src/format/blob.ts')
    const { cloud, phone, tablet } = await activePair()
    await setField(phone.engine, 'a', 'pain', 1)
    await phone.engine.syncNow()
    const epoch = phone.engine.pool!.epoch
    const forger = 'ffffffffffffffff'
    const junk = await encodeBlob({
      kind: 'log',
      epoch,
      deviceId: forger,
      seq: 1,
      createdAt: 0,
      entries: [
        {
          docId: 'a',
          update: new Uint8Array([200, 1, 255, 255, 255, 7, 9, 9]),
          deleted: false,
          updatedAt: 0,
        },
      ],
    })
    await cloud.connect().put(`/diary/epochs/${epoch}/log/${forger}/0000000001.ydu`, junk, 'add')
    const messages: string[] = []
    tablet.engine.on('status', (s) => messages.push(s.message))
    await tablet.engine.syncNow()
    await setField(phone.engine, 'b', 'pain', 2)
    await phone.engine.syncNow()
    await tablet.engine.syncNow()
    expect(await contents(tablet.engine)).toEqual({ a: { pain: 1 }, b: { pain: 2 } })
    expect(messages.some((m) => m.includes('malformed Yjs update'))).toBe(true)
  })
})

describe('crafted snapshots', () => {
  it('sets aside a snapshot whose shard is damaged and syncs from the logs', async () => {
    const cloud = new MemoryCloud()
    const phone = await openDevice(cloud, 'phone')
    await phone.engine.activate()
    await setField(phone.engine, 'a', 'pain', 1)
    await phone.engine.syncNow()
    expect(await phone.engine.compact()).toBe(true)
    const shard = cloud
      .files('/diary/epochs')
      .find((f) => f.meta.path.endsWith('.yds') && f.data.length > 40)!
    const broken = shard.data.slice()
    broken[broken.length - 6]! ^= 0x55
    await cloud.connect().put(shard.meta.path, broken, 'overwrite')
    const tablet = await openDevice(cloud, 'tablet')
    const messages: string[] = []
    tablet.engine.on('status', (s) => messages.push(s.message))
    await tablet.engine.activate()
    expect(messages.some((m) => m.includes('Skipped a damaged sync file'))).toBe(true)
    expect(await contents(tablet.engine)).toEqual({ a: { pain: 1 } })
  })
})

describe('pool.json put back from an old copy', () => {
  it('is refused by a device that has seen a newer one', async () => {
    const { cloud, phone } = await activePair()
    const old = cloud.files('/diary').find((f) => f.meta.path.endsWith('pool.json'))!.data
    await phone.engine.uploadMaster()
    await cloud.connect().put('/diary/pool.json', old, 'overwrite')
    await expect(phone.engine.syncNow()).rejects.toThrow(/older than one this device has seen/)
    expect(phone.engine.status).toMatchObject({ state: 'error' })
    expect(phone.engine.status.message).toMatch(/old copy was put back/)
  })
})
