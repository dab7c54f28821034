/** collection.ts on its own: the document half of the engine's public API, over a bare core. */
import { describe, expect, it } from 'vitest'
import { DocCollection } from '../../../src/engine/collection.ts'
import type { EngineCore } from '../../../src/engine/core.ts'
import type { DocsEvent } from '../../../src/engine/events.ts'
import { joined, MemoryCloud, parts } from './fixture.ts'

/** The collection as a class of its own (SyncEngine adds syncing to it). */
class Diary extends DocCollection {
  constructor(core: EngineCore) {
    super(core)
  }
}

describe('DocCollection', () => {
  it('lists the documents with their summaries, without opening any', async () => {
    const device = await parts(undefined, {
      now: () => 7,
      summarize: (doc) => doc.getMap('entry').get('pain'),
    })
    const diary = new Diary(device.core)
    ;(await diary.doc('a')).getMap('entry').set('pain', 3)
    ;(await diary.doc('b')).getMap('entry').set('pain', 4)
    await diary.delete('b')
    const reopened = new Diary((await parts(undefined, { local: device.local.reopen() })).core)
    expect(reopened.list().sort((x, y) => x.id.localeCompare(y.id))).toEqual([
      { id: 'a', updatedAt: 7, deleted: false, summary: 3 },
      { id: 'b', updatedAt: 7, deleted: true, summary: 4 },
    ])
  })

  it('tells its device and pool', async () => {
    const cloud = new MemoryCloud()
    const alone = new Diary((await parts(cloud)).core)
    expect(alone.pool).toBeUndefined()
    const device = await joined(cloud, { deviceName: 'tablet' })
    const diary = new Diary(device.core)
    expect(diary.deviceName).toBe('tablet')
    expect(diary.deviceId).toBe(device.core.state.deviceId)
    expect(diary.pool).toEqual({ poolId: device.core.state.poolId, epoch: device.core.state.epoch })
  })

  it('subscribes and unsubscribes listeners', async () => {
    const diary = new Diary((await parts()).core)
    const seen: DocsEvent[] = []
    const listener = (event: DocsEvent) => seen.push(event)
    diary.on('docs', listener)
    ;(await diary.doc('a')).getMap('entry').set('pain', 1)
    await diary.flush()
    diary.off('docs', listener)
    ;(await diary.doc('a')).getMap('entry').set('pain', 2)
    await diary.flush()
    expect(seen).toEqual([{ added: ['a'], changed: [], deleted: [], origin: 'local' }])
  })

  it('renames the device durably, trimming the name, and refuses an empty or long one', async () => {
    const device = await parts()
    const diary = new Diary(device.core)
    await diary.setDeviceName('  kitchen tablet ')
    expect(diary.deviceName).toBe('kitchen tablet')
    expect(
      (await parts(undefined, { local: device.local.reopen(), deviceName: undefined })).core.state.deviceName,
    ).toBe('kitchen tablet')
    await expect(diary.setDeviceName('   ')).rejects.toThrow(RangeError)
    await expect(diary.setDeviceName('x'.repeat(101))).rejects.toThrow(/1 to 100 characters/)
    expect(diary.deviceName).toBe('kitchen tablet')
  })

  it('has no backups before a master download', async () => {
    const diary = new Diary((await parts()).core)
    expect(await diary.backups()).toEqual([])
    await expect(diary.backupInfo('none')).rejects.toThrow(/there is no backup named "none"/)
  })
})
