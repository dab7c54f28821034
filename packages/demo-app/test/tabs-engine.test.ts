import { MemoryCloud, MemoryLocalStore } from '@y-dropbox/core'
import { shareEngine } from '@y-dropbox/tabs'
import { MemoryLocks } from '@y-dropbox/tabs/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { profileFromUrl } from '../src/app/profile.ts'
import { MemoryLink } from '../src/cloud/memory-link.ts'
import { type DeviceCalls, type DeviceView, deviceCall } from '../src/device/device-api.ts'
import { openLeaderOn } from '../src/device/open-leader.ts'
import { DiaryIndex } from '../src/model/diary-index.ts'
import { initEntry, notesOf, readEntry, setPain } from '../src/model/entry.ts'
import { openDevice } from './helpers/test-device.ts'
import { until } from './helpers/until.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** Tabs of one device: each elected tab opens a new engine on the device's one store. */
function phoneTabs(cloud: MemoryCloud) {
  const disk = new MemoryLocalStore()
  const link = new MemoryLink(cloud)
  const locks = new MemoryLocks()
  const device = `phone-${Math.random().toString(36).slice(2)}`
  const profile = profileFromUrl(new URL(`http://localhost/?device=${device}&push=5&poll=50`))
  let engines = 0
  const openTab = (tabId: string) => {
    const hub = shareEngine<DeviceView, DeviceCalls>({
      name: device,
      tabId,
      locks,
      open: () => {
        engines++
        return openLeaderOn(disk.reopen(), profile, link, { autoSync: false })
      },
    })
    cleanups.push(() => hub.close())
    // The diary index of the tab, as the session keeps it.
    const index = new DiaryIndex()
    hub.on('list', () => index.replaceAll(hub.list()))
    hub.on('docs', (items) => index.upsert(items))
    return Object.assign(hub, { index })
  }
  return { openTab, engines: () => engines, profile }
}

describe('tabs of one device over a real engine', () => {
  it('syncs an edit typed in a following tab to another device, through the one syncing tab', async () => {
    const cloud = new MemoryCloud()
    const tabs = phoneTabs(cloud)
    const first = tabs.openTab('first')
    await new Promise<void>((resolve) => first.once('elected', resolve))
    const second = tabs.openTab('second')
    const laptop = await openDevice(cloud, 'Laptop')
    cleanups.push(() => laptop.close())

    await deviceCall(second, 'activate')
    await laptop.calls.activate()
    const h = second.open('e1')
    await h.synced
    initEntry(h.doc, { at: '2024-06-01T09:00', pain: 5, notes: 'From the second tab.' })
    await until(() => first.index.get('e1')?.summary?.pain === 5, 'summary in the first tab')
    await deviceCall(second, 'syncNow')
    await laptop.calls.syncNow()
    expect(readEntry(await laptop.leader.source.doc('e1'))).toMatchObject({
      pain: 5,
      notes: 'From the second tab.',
    })
    expect(tabs.engines()).toBe(1)
  })

  it('keeps an edit made while the syncing tab hands over, and the next engine uploads it', async () => {
    const cloud = new MemoryCloud()
    const tabs = phoneTabs(cloud)
    const first = tabs.openTab('first')
    await new Promise<void>((resolve) => first.once('elected', resolve))
    const second = tabs.openTab('second')
    await deviceCall(second, 'activate')
    const h = second.open('e1')
    await h.synced
    initEntry(h.doc, { pain: 2, notes: 'before' })
    await until(() => first.index.get('e1') !== undefined, 'entry listed')
    const elected = new Promise<void>((resolve) => second.once('elected', resolve))
    await first.close()
    notesOf(h.doc).insert(6, ' and after')
    setPain(h.doc, 6)
    await elected
    await until(() => second.index.get('e1')?.summary?.words === 'before and after', 'edit in the new engine')
    await deviceCall(second, 'syncNow')
    const laptop = await openDevice(cloud, 'Laptop')
    cleanups.push(() => laptop.close())
    await laptop.calls.activate()
    expect(readEntry(await laptop.leader.source.doc('e1'))).toMatchObject({
      pain: 6,
      notes: 'before and after',
    })
    expect(tabs.engines()).toBe(2)
    // One device in the pool, however many engines its tabs opened in turn.
    expect((await laptop.calls.devices()).map((d) => d.name).sort()).toEqual([
      'Laptop',
      tabs.profile.defaultName,
    ])
  })
})
