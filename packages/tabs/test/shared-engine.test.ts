import { MemoryCloud, PassphraseError, StoreInUseError } from '@y-dropbox/core'
import * as encoding from 'lib0/encoding'
import { afterEach, describe, expect, it } from 'vitest'
import * as sync from 'y-protocols/sync'
import * as Y from 'yjs'
import { closeAll, elected, profile, until } from './helpers/tabs.ts'

afterEach(closeAll)

const text = (doc: Y.Doc) => doc.getText('notes').toString()

describe('tabs of one profile sharing one engine', () => {
  it('elect one leader, which opens the one engine and gives every tab the list and status', async () => {
    const p = profile()
    const a = p.tab('a')
    await elected(a)
    const b = p.tab('b')
    const c = p.tab('c')
    await Promise.all([b.ready, c.ready])
    expect([a.isLeader, b.isLeader, c.isLeader]).toEqual([true, false, false])
    expect(b.leader).toBe('a')
    expect(c.status?.state).toBe('inactive')
    expect(a.engine).toBe(p.engines[0])
    expect(b.engine).toBeUndefined()
    expect(p.engines).toHaveLength(1)
  })

  it('send an edit made in one tab to the engine once and to every other tab', async () => {
    const p = profile()
    const a = p.tab('a')
    await elected(a)
    const b = p.tab('b')
    const inB = await b.doc('e1')
    inB.getText('notes').insert(0, 'stiff')
    const inA = await a.doc('e1')
    await until(() => text(inA) === 'stiff', 'edit in the leading tab')
    inA.getText('notes').insert(5, ' neck')
    await until(() => text(inB) === 'stiff neck', 'edit back in the other tab')
    const engineDoc = await p.engines[0]!.doc('e1')
    expect(text(engineDoc)).toBe('stiff neck')
    await until(() => b.list().some((d) => d.id === 'e1'), 'list row in the other tab')
    let updates = 0
    engineDoc.on('update', () => updates++)
    inB.getText('notes').insert(0, 'very ')
    await until(() => text(inA) === 'very stiff neck', 'third edit')
    expect(updates).toBe(1)
  })

  it('run engine operations and app calls for any tab, with errors as their own class', async () => {
    const cloud = new MemoryCloud()
    const p = profile(cloud)
    const a = p.tab('a', async () => ({
      engine: await p.openEngine(),
      calls: { echo: async (x: unknown) => x },
    }))
    const b = p.tab('b')
    await elected(a)
    expect(await b.call('activate')).toBe('created')
    await until(() => b.status?.state === 'idle', 'status in the other tab')
    expect(await b.call('echo', { x: 1 })).toEqual({ x: 1 })
    expect((await b.call('devices')).map((d) => d.name)).toEqual(['phone'])
    const error = await b.call('changePassphrase', 'short').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PassphraseError)
    await expect(b.call('nope' as 'echo', 1)).rejects.toThrow(/No tab call named "nope"/)
  })

  it('queue calls made while no tab leads', async () => {
    const p = profile()
    let release: () => void = () => {}
    void p.locks.request(`y-dropbox-tabs:${p.name}`, {}, () => new Promise<void>((r) => (release = r)))
    const a = p.tab('a')
    const answer = a.call('activate')
    release()
    await expect(answer).resolves.toBe('created')
    expect(a.isLeader).toBe(true)
  })

  it('hand over to the next tab when the leader closes, losing no edit', async () => {
    const p = profile()
    const a = p.tab('a')
    await elected(a)
    const b = p.tab('b')
    const c = p.tab('c')
    await b.call('activate')
    const inB = await b.doc('e1')
    const inC = await c.doc('e1')
    inB.getText('notes').insert(0, 'before')
    await until(() => text(inC) === 'before', 'first edit')
    await a.close()
    // Made while no tab leads: kept in the replicas, handed to the next leader.
    inC.getText('notes').insert(6, ' and between')
    await elected(b)
    expect(p.engines).toHaveLength(2)
    await until(() => text(inB) === 'before and between', 'edit after the handover')
    const engineDoc = await p.engines[1]!.doc('e1')
    await until(() => text(engineDoc) === 'before and between', 'edit in the new engine')
    await b.call('syncNow')
    const laptop = await p.otherDevice()
    expect(text(await laptop.doc('e1'))).toBe('before and between')
    // One device in the pool, however many engines its tabs opened in turn.
    expect((await laptop.devices()).length).toBe(2)
    await laptop.close()
  })

  it('wait for an engine still holding the store before opening the next', async () => {
    const p = profile()
    const leftover = await p.openEngine() // a leader whose tab went away without closing it yet
    let attempts = 0
    const a = p.tab('a', () => {
      attempts++
      return p.openEngine()
    })
    let failures = 0
    const opening = new Promise<void>((resolve) => a.once('elected', resolve))
    a.on('error', () => failures++)
    await until(() => attempts >= 2, 'a second attempt')
    expect(a.isLeader).toBe(false)
    await expect(p.openEngine()).rejects.toBeInstanceOf(StoreInUseError)
    await leftover.close()
    await opening
    expect(failures).toBe(0)
    expect(a.engine).toBeDefined()
  })

  it('serve the app state to every tab and follow its changes', async () => {
    const p = profile()
    let state = { linked: false }
    const watchers = new Set<() => void>()
    const a = p.tab<{ linked: boolean }>('a', async () => ({
      engine: await p.openEngine(),
      state: () => state,
      watchState: (changed) => {
        watchers.add(changed)
        return () => watchers.delete(changed)
      },
    }))
    const b = p.tab<{ linked: boolean }>('b')
    await elected(a)
    await b.ready
    expect(b.state).toEqual({ linked: false })
    state = { linked: true }
    for (const w of watchers) w()
    await until(() => b.state?.linked === true, 'state change')
  })

  it('replace every open replica when a master download replaces the documents', async () => {
    const p = profile()
    const a = p.tab('a')
    await elected(a)
    const b = p.tab('b')
    await b.call('activate')
    const laptop = await p.otherDevice()
    ;(await laptop.doc('e1')).getText('notes').insert(0, 'from the master')
    await laptop.syncNow()
    await laptop.uploadMaster()
    const handle = b.open('e1')
    await handle.synced
    const replaced: string[] = []
    b.on('replaced', (id) => replaced.push(id))
    const old = handle.doc
    await b.call('downloadMaster')
    await until(() => replaced.length > 0, 'replaced event')
    expect(old.isDestroyed).toBe(true)
    expect(handle.doc).not.toBe(old)
    await handle.synced
    await until(() => text(handle.doc) === 'from the master', 'master content in the replica')
    await laptop.close()
  })

  it('keep an edit that was on its way when a master download replaced its document', async () => {
    const p = profile()
    const a = p.tab('a')
    await elected(a)
    const b = p.tab('b')
    await b.call('activate')
    const handle = b.open('e1')
    await handle.synced
    handle.doc.getText('notes').insert(0, 'kept')
    await until(() => b.list().some((d) => d.id === 'e1'), 'entry stored')
    await b.call('syncNow')
    // The replica as it stood, about to send one more edit when the reset happened.
    const old = new Y.Doc()
    Y.applyUpdate(old, Y.encodeStateAsUpdate(handle.doc))
    let late: Uint8Array | undefined
    old.on('update', (update: Uint8Array) => {
      late = update
    })
    old.getText('notes').insert(4, ' and typed late')
    const reset = new Promise<void>((resolve) => b.once('reset', resolve))
    await b.call('downloadMaster')
    await reset
    // It arrives after the reset, from a replica of the previous generation.
    const wire = new BroadcastChannel(`y-dropbox-tabs:${p.name}`)
    const e = encoding.createEncoder()
    sync.writeUpdate(e, late!)
    wire.postMessage({
      dir: 'up',
      t: 'y',
      from: 'b',
      generation: 0,
      doc: 'e1',
      data: encoding.toUint8Array(e),
    })
    wire.close()
    await until(
      () => a.engine!.status.notes?.some((n) => n.kind === 'edits-kept' && n.ids.includes('e1')) === true,
      'the edit kept in the backup and named in the status',
    )
    await until(() => b.status?.message.includes('entry e1') === true, 'the status in the other tab')
  })
})
