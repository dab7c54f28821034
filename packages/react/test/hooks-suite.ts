/**
 * The hooks' behaviour, run once with React (`react.test.ts`) and once with Preact through
 * `preact/compat` (`preact.test.ts`): each passes its testing library's `renderHook` and `waitFor`.
 */
import { MemoryCloud, MemoryLocalStore, SyncEngine, type SyncStatus } from '@y-dropbox/core'
import { type LockManagerLike, shareEngine } from '@y-dropbox/tabs'
import { ObservableV2 } from 'lib0/observable'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { useEntries, useEntryDoc, useSyncStatus } from '../src/index.ts'

/** What both testing libraries offer. */
export interface Renderer {
  renderHook<R>(hook: () => R): { result: { current: R }; unmount(): void }
  waitFor(check: () => void, options?: { timeout?: number }): Promise<unknown>
}

const closing: Array<() => Promise<void>> = []

async function device(cloud: MemoryCloud, name: string): Promise<SyncEngine> {
  const engine = await SyncEngine.open({
    remote: cloud.connect(),
    local: new MemoryLocalStore(),
    deviceName: name,
    root: '/diary',
    autoSync: false,
    onError: () => {},
  })
  closing.push(() => engine.close())
  return engine
}

const notes = (doc: Y.Doc | undefined) => doc?.getText('notes').toString()
const timeout = { timeout: 10_000 }

export function hookSuite(label: string, { renderHook, waitFor }: Renderer): void {
  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close()
  })

  describe(`hooks with ${label}`, () => {
    it('useSyncStatus follows the status', async () => {
      const engine = await device(new MemoryCloud(), 'phone')
      const { result } = renderHook(() => useSyncStatus(engine))
      expect(result.current.state).toBe('inactive')
      await engine.activate()
      await waitFor(() => expect(result.current.state).toBe('idle'), timeout)
      expect(result.current).toBe(engine.status)
    })

    it('useEntries lists local and remote changes without loading documents', async () => {
      const cloud = new MemoryCloud()
      const phone = await device(cloud, 'phone')
      const laptop = await device(cloud, 'laptop')
      await phone.activate()
      await laptop.activate()
      const { result } = renderHook(() => useEntries(phone))
      expect(result.current).toEqual([])
      const first = result.current
      ;(await phone.doc('a')).getText('notes').insert(0, 'here')
      await waitFor(() => expect(result.current.map((d) => d.id)).toEqual(['a']), timeout)
      expect(result.current).not.toBe(first)
      ;(await laptop.doc('b')).getText('notes').insert(0, 'there')
      await laptop.syncNow()
      await phone.syncNow()
      await waitFor(() => expect(result.current.map((d) => d.id).sort()).toEqual(['a', 'b']), timeout)
      await phone.delete('a')
      await waitFor(() => expect(result.current.find((d) => d.id === 'a')?.deleted).toBe(true), timeout)
    })

    it('useEntryDoc gives the document, and the new one after a master download', async () => {
      const cloud = new MemoryCloud()
      const phone = await device(cloud, 'phone')
      const laptop = await device(cloud, 'laptop')
      await phone.activate()
      await laptop.activate()
      const { result } = renderHook(() => useEntryDoc(phone, 'e1'))
      await waitFor(() => expect(result.current).toBeDefined(), timeout)
      const before = result.current!
      expect(before).toBe(await phone.doc('e1'))
      before.getText('notes').insert(0, 'phone only')
      ;(await laptop.doc('e1')).getText('notes').insert(0, 'master')
      await laptop.syncNow()
      await laptop.uploadMaster()
      await phone.downloadMaster()
      await waitFor(() => expect(result.current).not.toBe(before), timeout)
      expect(notes(result.current)).toBe('master')
    })

    it('useEntryDoc re-attaches when the engine emits replaced for its document', async () => {
      const engine = new FakeEngine()
      const { result } = renderHook(() => useEntryDoc(engine, 'e1'))
      await waitFor(() => expect(result.current).toBe(engine.docs.get('e1')), timeout)
      const next = new Y.Doc()
      engine.emit('replaced', ['other', new Y.Doc()])
      expect(result.current).toBe(engine.docs.get('e1'))
      engine.emit('replaced', ['e1', next])
      await waitFor(() => expect(result.current).toBe(next), timeout)
    })

    it('work with a SharedEngine of @y-dropbox/tabs', async () => {
      const cloud = new MemoryCloud()
      const tabs = shareEngine({
        name: `tabs-${Math.random()}`,
        locks: oneTab,
        open: () =>
          SyncEngine.open({
            remote: cloud.connect(),
            local: new MemoryLocalStore(),
            root: '/diary',
            autoSync: false,
          }),
      })
      closing.push(() => tabs.close())
      const status = renderHook(() => useSyncStatus(tabs))
      const list = renderHook(() => useEntries(tabs))
      const doc = renderHook(() => useEntryDoc(tabs, 'e1'))
      await waitFor(() => expect(status.result.current?.state).toBe('inactive'), timeout)
      await tabs.call('activate')
      await waitFor(() => expect(status.result.current?.state).toBe('idle'), timeout)
      await waitFor(() => expect(doc.result.current).toBeDefined(), timeout)
      doc.result.current!.getText('notes').insert(0, 'from a tab')
      await waitFor(() => expect(list.result.current.map((d) => d.id)).toEqual(['e1']), timeout)
    })
  })
}

/** A lock manager for one tab alone: the lock is always free. */
const oneTab: LockManagerLike = { request: (_name, _options, callback) => callback({}) }

/** An engine stand-in that emits `replaced`, for the hook's side of that event. */
class FakeEngine extends ObservableV2<{
  replaced: (id: string, doc: Y.Doc) => void
  docs: () => void
  status: (status: SyncStatus) => void
}> {
  readonly docs = new Map<string, Y.Doc>()
  async doc(id: string): Promise<Y.Doc> {
    let doc = this.docs.get(id)
    if (!doc) {
      doc = new Y.Doc()
      this.docs.set(id, doc)
    }
    return doc
  }
}
