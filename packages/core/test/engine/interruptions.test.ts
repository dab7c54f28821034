import { describe, expect, it } from 'vitest'
import type { BlobStore } from '../../src/blob-store.ts'
import { TransientError, YDropboxError } from '../../src/errors.ts'
import { decodeBlob, encodeBlob } from '../../src/format/blob.ts'
import { crc32 } from '../../src/format/crc32.ts'
import {
  activePair,
  contents,
  MemoryCloud,
  MemoryLocalStore,
  openDevice,
  SyncEngine,
  setField,
} from './helpers.ts'

/** A store whose listings, or downloads of log batches, can be made to fail, to interrupt work after it started. */
function flaky(remote: BlobStore): BlobStore & { failLists: boolean; failLogs: boolean } {
  const down = () => Promise.reject(new TransientError('network down'))
  const store = {
    failLists: false,
    failLogs: false,
    put: remote.put.bind(remote),
    delete: remote.delete.bind(remote),
    get: (path: string) => (store.failLogs && path.includes('/log/') ? down() : remote.get(path)),
    list: (prefix: string, cursor?: string) => (store.failLists ? down() : remote.list(prefix, cursor)),
  }
  return store
}

/** A device on a flaky client of `cloud`. */
function openFlaky(cloud: MemoryCloud) {
  const remote = flaky(cloud.connect())
  const engine = SyncEngine.open({
    remote,
    local: new MemoryLocalStore(),
    root: '/diary',
    autoSync: false,
    onError: () => {},
  })
  return { remote, engine }
}

describe('interrupted and unexpected work', () => {
  /**
   * The tablet syncs an edit; the phone's master download is cut off by `fault`;
   * while it lasts the phone's master upload is refused; once it is over the
   * upload goes through and still holds the tablet's edit.
   */
  async function cutOffDownloadThenUpload(fault: 'failLists' | 'failLogs'): Promise<void> {
    const cloud = new MemoryCloud()
    const { remote, engine } = openFlaky(cloud)
    const phone = await engine
    const tablet = await openDevice(cloud, 'tablet')
    await phone.activate()
    await tablet.engine.activate()
    await setField(tablet.engine, 'synced-edit', 'pain', 7)
    await tablet.engine.syncNow()
    await phone.syncNow()
    remote[fault] = true
    await expect(phone.downloadMaster()).rejects.toBeInstanceOf(YDropboxError)
    await expect(phone.uploadMaster()).rejects.toThrow()
    remote[fault] = false
    await phone.uploadMaster()
    await tablet.engine.syncNow().catch(() => {})
    await tablet.engine.downloadMaster()
    expect(await contents(tablet.engine)).toEqual({ 'synced-edit': { pain: 7 } })
  }

  it('an interrupted master download never lets an incomplete database become the master', async () => {
    await cutOffDownloadThenUpload('failLists')
  })

  it('a master download cut off after its snapshot, before the logs, is not whole either', async () => {
    await cutOffDownloadThenUpload('failLogs')
  })

  it('a batch from a newer app version holds back only its own device, and says so', async () => {
    const { cloud, phone, tablet } = await activePair()
    const laptop = await openDevice(cloud, 'laptop')
    await laptop.engine.activate()
    await setField(phone.engine, 'from-phone', 'pain', 1)
    await phone.engine.syncNow()
    await setField(laptop.engine, 'from-laptop', 'pain', 2)
    await laptop.engine.syncNow()
    const [batch] = cloud
      .files('/diary/epochs')
      .filter((f) => f.meta.path.includes(`/log/${phone.engine.deviceId}/`))
    const future = batch!.data.slice()
    future[4] = 2
    new DataView(future.buffer).setUint32(future.length - 4, crc32(future.subarray(0, future.length - 4)))
    await cloud.connect().put(batch!.meta.path, future, 'overwrite')
    await tablet.engine.syncNow()
    expect(await contents(tablet.engine)).toEqual({ 'from-laptop': { pain: 2 } })
    expect(tablet.engine.status.message).toMatch(
      /update the app on this device.*Changes from that device wait/,
    )
  })

  it('a well-formed batch whose update for a new document is truncated is quarantined; documents stay openable', async () => {
    const { cloud, phone, tablet } = await activePair()
    await setField(phone.engine, 'new-doc', 'v', 'a2')
    await phone.engine.syncNow()
    const [batch] = cloud
      .files('/diary/epochs')
      .filter((f) => f.meta.path.includes(`/log/${phone.engine.deviceId}/`))
    const content = await decodeBlob(batch!.data)
    for (const e of content.entries) e.update = e.update.slice(0, -1)
    await cloud.connect().put(batch!.meta.path, await encodeBlob(content), 'overwrite')
    await tablet.engine.syncNow()
    for (const { id } of tablet.engine.list()) await expect(tablet.engine.doc(id)).resolves.toBeDefined()
    expect(tablet.engine.status.message).toMatch(/1 damaged sync file was skipped/)
    await cloud.connect().put(batch!.meta.path, batch!.data, 'overwrite')
    await tablet.engine.syncNow()
    expect(await contents(tablet.engine)).toEqual({ 'new-doc': { v: 'a2' } })
    expect(tablet.engine.status.message).toBe('Up to date')
  })
})
