import { describe, expect, it } from 'vitest'
import type { BlobMeta, BlobStore } from '../../src/blob-store.ts'
import { PoolLayout } from '../../src/remote/layout.ts'
import { RemoteView } from '../../src/remote/remote-view.ts'

const file = (path: string): BlobMeta => ({ path, rev: '1', size: 1, contentHash: 'x' })
const gone = (path: string): BlobMeta => ({ path, rev: '', size: 0, contentHash: '', deleted: true })

/** A store that answers listings from a script. */
function scripted(pages: BlobMeta[][]): BlobStore {
  let i = 0
  const fail = () => Promise.reject(new Error('not used'))
  return {
    put: fail,
    get: fail,
    delete: fail,
    list: async () => ({ entries: pages[i++] ?? [], cursor: `c${i}` }),
  }
}

describe('RemoteView', () => {
  const epoch = 'abcdefghij'
  const log = `/p/epochs/${epoch}/log/aaaaaaaaaaaaaaaa/0000000001.ydu`
  const shard = `/p/epochs/${epoch}/shards/${'a'.repeat(64)}.yds`

  it('groups files by role and applies file deletions', async () => {
    const view = new RemoteView(
      scripted([[file('/p/pool.json'), file(log), file(shard)], [gone(log)]]),
      new PoolLayout('/p'),
    )
    await view.refresh()
    expect(view.pool?.path).toBe('/p/pool.json')
    expect(view.epoch(epoch).logs.get('aaaaaaaaaaaaaaaa')?.size).toBe(1)
    await view.refresh()
    expect(view.epoch(epoch).logs.get('aaaaaaaaaaaaaaaa')?.size ?? 0).toBe(0)
    expect(view.epoch(epoch).shards.size).toBe(1)
  })

  it('forgets an epoch once its last file is deleted (a deleted pool leaves no epoch behind)', async () => {
    const view = new RemoteView(
      scripted([
        [file('/p/pool.json'), file(log), file(shard)],
        [gone(log), gone(shard)],
      ]),
      new PoolLayout('/p'),
    )
    await view.refresh()
    expect(view.epochs.has(epoch)).toBe(true)
    await view.refresh()
    expect(view.epochs.has(epoch)).toBe(false)
  })

  it("counts the changes of others in a listing, not this device's own writes", async () => {
    const own = file(log)
    const theirs = file(log.replace('aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb'))
    const view = new RemoteView(
      scripted([[file('/p/pool.json')], [own], [own, theirs]]),
      new PoolLayout('/p'),
    )
    expect(await view.refresh()).toBe(1)
    view.noteWritten(own)
    expect(view.wroteSinceRefresh).toBe(true)
    expect(await view.refresh()).toBe(0)
    expect(view.wroteSinceRefresh).toBe(false)
    view.noteWritten(own)
    expect(await view.refresh()).toBe(1)
  })

  it('forgets everything under a folder reported deleted once', async () => {
    const pages = [
      [file('/p/pool.json'), file(log), file(shard), file('/p/devices/aaaaaaaaaaaaaaaa.json')],
      [gone(`/p/epochs/${epoch}/log`)],
      [gone('/p')],
    ]
    const view = new RemoteView(scripted(pages), new PoolLayout('/p'))
    await view.refresh()
    await view.refresh()
    expect(view.epoch(epoch).logs.get('aaaaaaaaaaaaaaaa')?.size ?? 0).toBe(0)
    expect(view.epoch(epoch).shards.size).toBe(1)
    await view.refresh()
    expect(view.pool).toBeUndefined()
    expect(view.devices.size).toBe(0)
    expect(view.epochs.size).toBe(0)
  })
})
