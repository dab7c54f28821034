/**
 * A device that must fetch many log files reads the epoch's log folder in one
 * call (`getFolder`); a damaged file in it is skipped like any other; few
 * files, or files that are a small part of the folder, are fetched one by one.
 */
import { describe, expect, it } from 'vitest'
import type { BlobStore } from '../../src/blob-store.ts'
import { BULK_MIN_FILES } from '../../src/engine/bulk-download.ts'
import { TransientError } from '../../src/errors.ts'
import { contents, MemoryCloud, openDevice, setField } from './helpers.ts'

/** A pool whose writer pushed `pushes` log files, one per edited entry. */
async function poolWithLogs(pushes: number) {
  const cloud = new MemoryCloud()
  const writer = await openDevice(cloud, 'writer', { compactAfterFiles: 10_000 })
  await writer.engine.activate()
  for (let i = 0; i < pushes; i++) {
    await setField(writer.engine, `e${i}`, 'pain', i)
    await writer.engine.syncNow()
  }
  return { cloud, writer }
}

describe('bulk download of log files', () => {
  it('fetches the logs of a new device with one folder read, and it ends equal to the writer', async () => {
    const { cloud, writer } = await poolWithLogs(BULK_MIN_FILES + 4)
    const reader = await openDevice(cloud, 'reader', { compactAfterFiles: 10_000 })
    await reader.engine.activate()
    const calls = reader.remote.stats().calls
    expect(calls.getFolder).toBe(1)
    // pool.json and the epoch's starting snapshot manifest; no log is fetched on its own.
    expect(calls.get).toBe(2)
    expect(await contents(reader.engine)).toEqual(await contents(writer.engine))
  })

  it('fetches fewer files than the threshold one by one', async () => {
    const { cloud } = await poolWithLogs(BULK_MIN_FILES - 1)
    const reader = await openDevice(cloud, 'reader', { compactAfterFiles: 10_000 })
    await reader.engine.activate()
    expect(reader.remote.stats().calls).toMatchObject({ getFolder: 0, get: 2 + BULK_MIN_FILES - 1 })
  })

  it('fetches one by one files that are a small part of a large log folder', async () => {
    const { cloud, writer } = await poolWithLogs(3 * BULK_MIN_FILES)
    const reader = await openDevice(cloud, 'reader', { compactAfterFiles: 10_000 })
    await reader.engine.activate()
    // The writer's next pushes are a quarter of the folder's files and bytes.
    for (let i = 0; i < BULK_MIN_FILES; i++) {
      await setField(writer.engine, `e${i}`, 'pain', 100 + i)
      await writer.engine.syncNow()
    }
    const before = reader.remote.stats().calls
    await reader.engine.syncNow()
    const after = reader.remote.stats().calls
    expect(after.getFolder - before.getFolder).toBe(0)
    expect(after.get - before.get).toBe(BULK_MIN_FILES + 1)
    expect(await contents(reader.engine)).toEqual(await contents(writer.engine))
  })

  it('skips a damaged file of a folder read and applies the others', async () => {
    const { cloud, writer } = await poolWithLogs(BULK_MIN_FILES + 2)
    const damaged = cloud.files('/diary/epochs').find((f) => f.meta.path.endsWith('0000000003.ydu'))!
    await cloud.connect().put(damaged.meta.path, new Uint8Array([1, 2, 3]), 'overwrite')
    const errors: string[] = []
    const reader = await openDevice(cloud, 'reader', {
      compactAfterFiles: 10_000,
      onError: (_, context) => errors.push(context),
    })
    await reader.engine.activate()
    expect(reader.remote.stats().calls.getFolder).toBe(1)
    expect(errors).toEqual([`skipped a damaged sync file ${damaged.meta.path}`])
    const got = await contents(reader.engine)
    const expected = await contents(writer.engine)
    expect(got.e2).toBeUndefined()
    delete expected.e2
    expect(got).toEqual(expected)
  })

  it("reads a snapshot's shards with one folder read", async () => {
    const cloud = new MemoryCloud()
    // Tiny shards, so the snapshot of 60 entries has many.
    const options = { compactAfterFiles: 10_000, shardBytes: 64 }
    const writer = await openDevice(cloud, 'writer', options)
    await writer.engine.activate()
    for (let i = 0; i < 60; i++) await setField(writer.engine, `e${i}`, 'notes', `entry ${i} `.repeat(20))
    await writer.engine.syncNow()
    expect(await writer.engine.compact()).toBe(true)
    const shards = cloud.files('/diary/epochs').filter((f) => f.meta.path.endsWith('.yds'))
    expect(shards.length).toBeGreaterThanOrEqual(BULK_MIN_FILES)
    const reader = await openDevice(cloud, 'reader', options)
    await reader.engine.activate()
    const calls = reader.remote.stats().calls
    expect(calls.getFolder).toBe(1)
    // pool.json and the snapshot manifests (the first, empty one and the new one); no shard on its own.
    expect(calls.get).toBeLessThanOrEqual(3)
    expect(await contents(reader.engine)).toEqual(await contents(writer.engine))
  })

  it('retries a failed folder read in the next round', async () => {
    const { cloud, writer } = await poolWithLogs(BULK_MIN_FILES)
    const store = cloud.connect()
    let failures = 1
    const remote: BlobStore = {
      put: (path, data, mode) => store.put(path, data, mode),
      get: (path) => store.get(path),
      list: (prefix, cursor) => store.list(prefix, cursor),
      delete: (paths) => store.delete(paths),
      getFolder: async (folder, files) => {
        if (failures-- > 0) throw new TransientError('the connection dropped during the folder read')
        return store.getFolder(folder, files)
      },
    }
    const reader = await openDevice(cloud, 'reader', { compactAfterFiles: 10_000, remote })
    await expect(reader.engine.activate()).rejects.toBeInstanceOf(TransientError)
    expect(reader.engine.list()).toEqual([])
    await reader.engine.syncNow()
    expect(store.stats().calls.getFolder).toBe(1)
    expect(await contents(reader.engine)).toEqual(await contents(writer.engine))
  })
})
