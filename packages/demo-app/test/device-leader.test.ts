import { MemoryCloud } from '@y-dropbox/core'
import { afterEach, describe, expect, it } from 'vitest'
import type { DeviceView } from '../src/device/device-api.ts'
import type { ListItem } from '../src/model/diary-index.ts'
import { initEntry, notesOf, readEntry } from '../src/model/entry.ts'
import { readSummary } from '../src/model/summary.ts'
import { openDevice } from './helpers/test-device.ts'

const open: Array<{ close(): Promise<void> }> = []
afterEach(async () => {
  for (const d of open.splice(0)) await d.close()
})

async function device(cloud: MemoryCloud, name: string, linked = true) {
  const d = await openDevice(cloud, name, linked)
  open.push(d)
  return d
}

function watch(leader: Awaited<ReturnType<typeof openDevice>>['leader']) {
  const seen = { states: [] as DeviceView[], docs: [] as ListItem[][], resets: 0 }
  leader.source.subscribe({
    state: (s) => seen.states.push(s),
    docs: (items) => seen.docs.push(items),
    reset: () => seen.resets++,
  })
  return seen
}

describe('the syncing tab over a real engine', () => {
  it('refuses to activate before Dropbox is linked, saying what to do', async () => {
    const phone = await device(new MemoryCloud(), 'Phone', false)
    await expect(phone.calls.activate()).rejects.toThrow(/Link Dropbox/)
    expect(phone.leader.source.state()).toMatchObject({
      linked: false,
      deviceName: 'Phone',
      cloud: 'emulator',
    })
  })

  it('builds the pool on the first device and joins it on the next; entries travel with their summaries', async () => {
    const cloud = new MemoryCloud()
    const phone = await device(cloud, 'Phone')
    const tablet = await device(cloud, 'Tablet')
    const seen = watch(tablet.leader)
    const doc = await phone.leader.source.doc('e1')
    initEntry(doc, { at: '2024-05-01T08:00', pain: 7, locations: ['Neck'], notes: 'Stiff neck all morning.' })
    expect(await phone.calls.activate()).toBe('created')
    expect(await tablet.calls.activate()).toBe('joined')
    await tablet.calls.syncNow()
    const item = tablet.leader.source.list().find((i) => i.id === 'e1')
    expect(readSummary(item?.summary)).toMatchObject({
      at: '2024-05-01T08:00',
      pain: 7,
      words: 'Stiff neck all morning.',
    })
    expect(seen.docs.flat().some((i) => i.id === 'e1')).toBe(true)
    expect(seen.states.at(-1)?.sync.state).toBe('idle')
    const devices = await tablet.calls.devices()
    expect(devices.map((d) => d.name).sort()).toEqual(['Phone', 'Tablet'])
  })

  it('adds sample entries with summaries, showing progress as a task', async () => {
    const phone = await device(new MemoryCloud(), 'Phone')
    const seen = watch(phone.leader)
    expect(await phone.calls.addSamples(450)).toBe(450)
    const list = phone.leader.source.list()
    expect(list).toHaveLength(450)
    expect(list.every((i) => readSummary(i.summary) !== undefined)).toBe(true)
    expect(seen.states.some((s) => s.task?.label === 'Adding sample entries' && s.task.total === 450)).toBe(
      true,
    )
    expect(seen.states.at(-1)?.task).toBeUndefined()
  })

  it('backs the diary up and restores it into another device, by merge or by replacement', async () => {
    const cloud = new MemoryCloud()
    const phone = await device(cloud, 'Phone')
    await phone.calls.addSamples(12)
    const file = await phone.calls.exportBackup()
    const laptop = await device(new MemoryCloud(), 'Laptop')
    initEntry(await laptop.leader.source.doc('own'), { pain: 1, notes: 'only on the laptop' })
    expect(await laptop.calls.restoreBackup(file, 'merge')).toEqual({ added: 12, updated: 0, removed: 0 })
    expect(laptop.leader.source.list().filter((i) => !i.deleted)).toHaveLength(13)
    expect(await laptop.calls.restoreBackup(file, 'replace')).toEqual({ added: 0, updated: 12, removed: 1 })
    const kept = laptop.leader.source.list().filter((i) => !i.deleted)
    expect(kept).toHaveLength(12)
    expect(kept.every((i) => readSummary(i.summary))).toBe(true)
    await expect(laptop.calls.restoreBackup(new TextEncoder().encode('nope'), 'merge')).rejects.toThrow(
      /not a pain diary backup/,
    )
  })

  it('tells the tabs to reopen their documents when the master is downloaded', async () => {
    const cloud = new MemoryCloud()
    const phone = await device(cloud, 'Phone')
    const tablet = await device(cloud, 'Tablet')
    initEntry(await phone.leader.source.doc('e1'), { pain: 3, notes: 'from the phone' })
    await phone.calls.activate()
    await tablet.calls.activate()
    const seen = watch(tablet.leader)
    const open = await tablet.leader.source.doc('e1')
    notesOf(open).insert(0, 'Unsent: ')
    await tablet.calls.downloadMaster()
    expect(seen.resets).toBe(1)
    const fresh = await tablet.leader.source.doc('e1')
    expect(readEntry(fresh).notes).toBe('from the phone')
  })

  it('keeps a retry as a technical detail while a round retries, and drops it when the round ends', async () => {
    const phone = await device(new MemoryCloud(), 'Phone')
    const seen = watch(phone.leader)
    phone.link.onRetry?.({
      operation: 'upload /a',
      attempt: 1,
      delayMs: 3000,
      reason: 'rate-limit',
      status: 429,
    })
    expect(seen.states.at(-1)?.retry).toBe(
      'upload /a: attempt 1 failed (rate-limit, HTTP 429); next attempt in 3 s',
    )
    phone.link.onRetry?.({ operation: 'list /', attempt: 2, delayMs: 400, reason: 'network' })
    expect(seen.states.at(-1)?.retry).toBe('list /: attempt 2 failed (network); next attempt in 1 s')
    await phone.calls.activate()
    expect(seen.states.at(-1)?.retry).toBeUndefined()
    // The sentence is the engine's, in the diary's words: nothing of the retry in it.
    expect(seen.states.at(-1)?.sync.message).toBe('Up to date')
  })

  it('unlinks: sync goes off and the link is forgotten', async () => {
    const phone = await device(new MemoryCloud(), 'Phone')
    await phone.calls.activate()
    await phone.calls.unlink()
    expect(phone.leader.source.state()).toMatchObject({ linked: false, sync: { state: 'inactive' } })
    await expect(phone.calls.activate()).rejects.toThrow(/Link Dropbox/)
  })

  it('renames the device for the pool', async () => {
    const phone = await device(new MemoryCloud(), 'Phone')
    await phone.calls.rename('My phone')
    expect(phone.leader.source.state().deviceName).toBe('My phone')
    await expect(phone.calls.rename('  ')).rejects.toThrow(/1 to 100 characters/)
  })
})
