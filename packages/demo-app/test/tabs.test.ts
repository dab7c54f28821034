import { afterEach, describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import { initEntry, notesOf, readEntry, setPain } from '../src/model/entry.ts'
import { type LeaderParts, TabHub } from '../src/tabs/tab-hub.ts'
import { MemoryLocks } from './helpers/memory-locks.ts'
import { MemorySource, type TestState } from './helpers/memory-source.ts'
import { until } from './helpers/until.ts'

let hubs: TabHub<TestState>[] = []
let device = 0

afterEach(async () => {
  for (const hub of hubs) await hub.close()
  hubs = []
})

/** Tabs of one device profile sharing one lock manager and one durable store. */
function profile() {
  const name = `phone-${++device}-${Math.random()}`
  const locks = new MemoryLocks()
  const store = new Map<string, Uint8Array>()
  const sources: MemorySource[] = []
  const handlers = {
    echo: async (x: unknown) => x,
    fail: async () => {
      const e = new Error('Dropbox is not linked on this device')
      e.name = 'AuthError'
      throw e
    },
    slow: () => new Promise<never>(() => {}),
  }
  const openTab = () => {
    const hub = new TabHub<TestState>({
      device: name,
      tabId: `tab${hubs.length + 1}`,
      locks,
      openLeader: async (): Promise<LeaderParts<TestState>> => {
        const source = new MemorySource(store)
        sources.push(source)
        return { source, handlers, close: async () => {} }
      },
    })
    hubs.push(hub)
    return hub
  }
  return { openTab, store, sources, locks, name }
}

function elected(hub: TabHub<TestState>): Promise<void> {
  return new Promise((resolve) => (hub.isLeader ? resolve() : hub.once('elected', resolve)))
}

describe('tabs of one device', () => {
  it('elects exactly one leader and gives every tab the list and state', async () => {
    const p = profile()
    const a = p.openTab()
    await elected(a)
    const b = p.openTab()
    const c = p.openTab()
    await until(() => b.client.state !== undefined && c.client.state !== undefined, 'state')
    expect([a.isLeader, b.isLeader, c.isLeader]).toEqual([true, false, false])
    expect(b.client.leader).toBe('tab1')
    p.sources[0]!.setState({ message: 'Up to date' })
    await until(() => c.client.state?.message === 'Up to date', 'status broadcast')
    expect(p.sources).toHaveLength(1) // one engine per device, however many tabs
  })

  it('sends a follower edit to the engine once and to every other tab at once', async () => {
    const p = profile()
    const a = p.openTab()
    await elected(a)
    const b = p.openTab()
    const hb = b.client.open('e1')
    initEntry(hb.doc, { at: '2024-01-01T09:00', pain: 3, notes: 'stiff' })
    await hb.synced
    const ha = a.client.open('e1')
    await ha.synced
    expect(readEntry(ha.doc)).toMatchObject({ pain: 3, notes: 'stiff' })
    setPain(ha.doc, 6)
    notesOf(hb.doc).insert(5, ' neck')
    await until(
      () => readEntry(hb.doc).pain === 6 && notesOf(ha.doc).toString() === 'stiff neck',
      'both edits',
    )
    const engineDoc = p.sources[0]!.docs.get('e1')!
    expect(readEntry(engineDoc)).toEqual(readEntry(hb.doc))
    expect(p.sources[0]!.received.get('e1')).toBe(3) // init, pain, notes: each applied once
    await until(() => b.client.index.get('e1')?.summary?.pain === 6, 'list update')
  })

  it('runs calls on the leader and carries errors back with their name', async () => {
    const p = profile()
    const a = p.openTab()
    const b = p.openTab()
    await elected(a)
    await expect(b.client.call('echo', { x: 1 })).resolves.toEqual({ x: 1 })
    await expect(b.client.call('fail')).rejects.toMatchObject({ name: 'AuthError', message: /not linked/ })
    await expect(b.client.call('nope')).rejects.toThrow(/No tab call named "nope"/)
  })

  it('hands over to the next tab when the leader closes, losing no edit', async () => {
    const p = profile()
    const a = p.openTab()
    await elected(a)
    const b = p.openTab()
    const c = p.openTab()
    const hb = b.client.open('e1')
    const hc = c.client.open('e1')
    initEntry(hb.doc, { pain: 2 })
    await until(() => readEntry(hc.doc).pain === 2, 'first edit')
    const pending = b.client.call('slow')
    await a.close()
    // Edits made while no tab leads are kept in the replicas and reach the next leader.
    notesOf(hc.doc).insert(0, 'made between leaders')
    await elected(b)
    await expect(pending).rejects.toThrow(/closed before answering/)
    await until(() => notesOf(hb.doc).toString() === 'made between leaders', 'edit after handover')
    const next = p.sources[1]!
    await until(() => next.docs.get('e1') !== undefined, 'document on the new leader')
    await until(() => notesOf(next.docs.get('e1')!).toString() === 'made between leaders', 'engine has edit')
    expect(readEntry(next.docs.get('e1')!).pain).toBe(2)
    expect(p.locks.isHeld(`y-dropbox:${p.name}`)).toBe(true)
  })

  it('queues calls made before any tab leads', async () => {
    const p = profile()
    const blocker = new MemoryLocks()
    // A tab on a lock manager where the lock is taken elsewhere never leads...
    let release: () => void = () => {}
    void blocker.request(`y-dropbox:${p.name}`, {}, () => new Promise<void>((r) => (release = r)))
    const hub = new TabHub<TestState>({
      device: p.name,
      locks: blocker,
      openLeader: async () => ({
        source: new MemorySource(p.store),
        handlers: { echo: async (x: unknown) => x },
        close: async () => {},
      }),
    })
    hubs.push(hub)
    const answer = hub.client.call('echo', 42)
    // ...until the lock is free.
    release()
    await expect(answer).resolves.toBe(42)
    expect(hub.isLeader).toBe(true)
  })

  it('drops replicas when the documents are superseded and ignores their late edits', async () => {
    const p = profile()
    const a = p.openTab()
    await elected(a)
    const b = p.openTab()
    const h = b.client.open('e1')
    initEntry(h.doc, { pain: 9, notes: 'local only' })
    await until(
      () => p.sources[0]!.docs.get('e1') !== undefined && readEntry(p.sources[0]!.docs.get('e1')!).pain === 9,
      'edit',
    )
    let resets = 0
    b.client.on('reset', () => resets++)
    const master = new Map<string, Uint8Array>()
    p.sources[0]!.replaceAll(master)
    await until(() => resets === 1, 'reset')
    expect(b.client.generation).toBe(1)
    expect(h.doc.isDestroyed).toBe(true)
    const fresh = b.client.open('e1')
    await fresh.synced
    expect(readEntry(fresh.doc).notes).toBe('')
    const engineDoc: Y.Doc = p.sources[0]!.docs.get('e1')!
    expect(readEntry(engineDoc).pain).toBe(0)
  })
})
