/** pull.ts on its own: what a listing shows beyond coverage is fetched, checked and applied. */
import { describe, expect, it } from 'vitest'
import { activatePool } from '../../../src/engine/lifecycle.ts'
import { pull } from '../../../src/engine/pull.ts'
import { logAad } from '../../../src/format/aad.ts'
import { encodeBlob } from '../../../src/format/blob.ts'
import { crc32 } from '../../../src/format/crc32.ts'
import {
  edit,
  entry,
  joined,
  MemoryCloud,
  type Parts,
  type PartsOptions,
  parts,
  paths,
  push,
} from './fixture.ts'

/** A writer that pushed entries `ids` one batch each (seq 1, 2, ...), and a reader in the same pool. */
async function writerAndReader(ids: string[], readerOptions: PartsOptions = {}, cloud = new MemoryCloud()) {
  const writer = await joined(cloud, { deviceName: 'writer' })
  const reader = await joined(cloud, { deviceName: 'reader', ...readerOptions })
  for (const [i, id] of ids.entries()) await push(writer, id, i + 1)
  return { cloud, writer, reader }
}

/** Path of `device`'s batch `seq`. */
function logPath(device: Parts, seq: number): string {
  const { layout, state } = device.core
  return layout.log(state.epoch!, state.deviceId, seq)
}

async function refreshAndPull(device: Parts): Promise<void> {
  await device.ctx.view.refresh()
  await pull(device.ctx)
}

function ids(device: Parts): string[] {
  return [...device.core.index.entries()].map(([id]) => id).sort()
}

describe('pull', () => {
  it("applies every device's batches in seq order and records coverage with them", async () => {
    const cloud = new MemoryCloud()
    // Downloads end in any order (random latency); they are applied in seq order all the same.
    const remote = cloud.connect({ latencyMs: { min: 0, max: 4 } })
    const { writer, reader } = await writerAndReader(['c', 'a', 'b'], { remote }, cloud)
    const added: string[][] = []
    reader.core.events.on('docs', (event) => added.push(event.added))
    await refreshAndPull(reader)
    expect(added.flat()).toEqual(['c', 'a', 'b'])
    expect(await entry(reader, 'b')).toEqual({ pain: 3 })
    expect(reader.core.state.coverage[writer.core.state.deviceId]).toBe(3)
    // Coverage is durable: it was written with the documents.
    const stored = JSON.parse(new TextDecoder().decode((await reader.local.get('m/state'))!))
    expect(stored.coverage[writer.core.state.deviceId]).toBe(3)
    // Nothing new: a second pull downloads nothing.
    const gets = reader.remote.stats().calls.get
    await refreshAndPull(reader)
    expect(reader.remote.stats().calls.get).toBe(gets)
  })

  it('merges the starting snapshot once on a device that joined, with what was there before the pool', async () => {
    const cloud = new MemoryCloud()
    const first = await parts(cloud, { deviceName: 'first' })
    await edit(first, 'early', 'before')
    await activatePool(first.ctx, undefined)
    const second = await joined(cloud, { deviceName: 'second' })
    expect(second.core.state.snapshotApplied).toBe(false)
    await refreshAndPull(second)
    expect(second.core.state.snapshotApplied).toBe(true)
    expect(await entry(second, 'early')).toEqual({ pain: 'before' })
    // There are no logs: the content came from the snapshot.
    expect(paths(cloud, 'epochs').filter((p) => p.endsWith('.ydu'))).toEqual([])
  })

  it('quarantines a damaged batch, applies the others, and does not fetch it again unchanged', async () => {
    const { cloud, writer, reader } = await writerAndReader(['a', 'b', 'c'])
    const damaged = logPath(writer, 2)
    await cloud.connect().put(damaged, new Uint8Array([1, 2, 3]), 'overwrite')
    await refreshAndPull(reader)
    expect(ids(reader)).toEqual(['a', 'c'])
    expect(Object.keys(reader.core.state.quarantine)).toEqual([damaged])
    expect(reader.errors).toEqual([`skipped a damaged sync file ${damaged}`])
    expect(reader.status.current.notes).toEqual([
      expect.objectContaining({ kind: 'damaged-file', detail: expect.stringContaining('too short') }),
    ])
    expect(reader.core.state.coverage[writer.core.state.deviceId]).toBe(3)
    const gets = reader.remote.stats().calls.get
    await refreshAndPull(reader)
    expect(reader.remote.stats().calls.get).toBe(gets)
  })

  it('quarantines a well-sealed batch whose Yjs update is malformed, and applies the rest of the chunk', async () => {
    const { cloud, writer, reader } = await writerAndReader(['a'])
    const { state } = writer.core
    const crafted = await encodeBlob({
      kind: 'log',
      epoch: state.epoch!,
      deviceId: state.deviceId,
      seq: 2,
      createdAt: 0,
      entries: [
        { docId: 'bad', update: new Uint8Array([0xff, 0xff, 0xff, 0xff]), deleted: false, updatedAt: 0 },
      ],
    })
    await cloud.connect().put(logPath(writer, 2), crafted, 'add')
    await refreshAndPull(reader)
    expect(ids(reader)).toEqual(['a'])
    expect(Object.keys(reader.core.state.quarantine)).toEqual([logPath(writer, 2)])
    expect(reader.status.current.notes).toEqual([
      { kind: 'damaged-file', detail: expect.stringMatching(/malformed Yjs update/) },
    ])
  })

  it("holds back a device whose batch is of a newer format, applying the other devices' batches", async () => {
    const { cloud, writer, reader } = await writerAndReader(['a', 'b', 'c'])
    const other = await joined(cloud, { deviceName: 'other' })
    await push(other, 'd', 4)
    const newer = logPath(writer, 2)
    const bytes = (await cloud.connect().get(newer))!.data
    bytes[4] = 2
    new DataView(bytes.buffer).setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)))
    await cloud.connect().put(newer, bytes, 'overwrite')
    await refreshAndPull(reader)
    // Batch 3 waits behind batch 2: applying it first would leave a hole in the writer's history.
    expect(ids(reader)).toEqual(['a', 'd'])
    expect(reader.core.state.coverage[writer.core.state.deviceId]).toBe(1)
    expect(reader.core.state.quarantine).toEqual({})
    expect(reader.status.current.notes).toEqual([
      expect.objectContaining({ kind: 'device-held-back', detail: expect.stringMatching(/version 2/) }),
    ])
  })

  it('stops at a batch deleted after the listing and lists afresh next time', async () => {
    const { cloud, writer, reader } = await writerAndReader(['a', 'b', 'c'])
    await reader.ctx.view.refresh()
    await cloud.connect().delete([logPath(writer, 2)])
    await pull(reader.ctx)
    expect(ids(reader)).toEqual(['a'])
    expect(reader.core.state.coverage[writer.core.state.deviceId]).toBe(1)
    expect(reader.ctx.view.cursor).toBeUndefined()
    expect(reader.core.state.quarantine).toEqual({})
  })

  it('forgets a quarantined file that is gone from the listing', async () => {
    const { cloud, writer, reader } = await writerAndReader(['a', 'b'])
    await cloud.connect().put(logPath(writer, 2), new Uint8Array([7]), 'overwrite')
    await refreshAndPull(reader)
    expect(Object.keys(reader.core.state.quarantine)).toEqual([logPath(writer, 2)])
    await cloud.connect().delete([logPath(writer, 2)])
    await refreshAndPull(reader)
    expect(reader.core.state.quarantine).toEqual({})
  })

  it('takes a new id when the listing shows a batch under its own id that it never wrote', async () => {
    const { cloud, reader } = await writerAndReader([])
    const old = reader.core.state.deviceId
    await cloud.connect().put(logPath(reader, 1), new Uint8Array([1]), 'add')
    await refreshAndPull(reader)
    expect(reader.core.state.deviceId).not.toBe(old)
    // The stranger's file is pulled like any other device's (and found damaged here).
    expect(Object.keys(reader.core.state.quarantine)).toEqual([
      reader.core.layout.log(reader.core.state.epoch!, old, 1),
    ])
  })

  it('refuses a batch moved to another seq, though it is intact', async () => {
    const { cloud, writer, reader } = await writerAndReader(['a'])
    const { poolId, epoch, deviceId } = writer.core.state
    expect(logAad(poolId!, epoch!, deviceId, 1)).not.toBe(logAad(poolId!, epoch!, deviceId, 2))
    const first = (await cloud.connect().get(logPath(writer, 1)))!.data
    await cloud.connect().put(logPath(writer, 2), first, 'add')
    await refreshAndPull(reader)
    expect(Object.keys(reader.core.state.quarantine)).toEqual([logPath(writer, 2)])
    expect(reader.status.current.notes).toEqual([
      { kind: 'damaged-file', detail: expect.stringMatching(/does not match its path/) },
    ])
  })
})
