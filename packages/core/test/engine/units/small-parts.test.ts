/** The engine's small parts: the lock, typed events, options, the index's merge rule, live docs. */

import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DocIndex } from '../../../src/engine/doc-index.ts'
import { SafeObservable } from '../../../src/engine/events.ts'
import { LiveDocs } from '../../../src/engine/live-docs.ts'
import { Mutex } from '../../../src/engine/mutex.ts'
import { resolveOptions } from '../../../src/engine/options.ts'
import { REMOTE_ORIGIN } from '../../../src/engine/origins.ts'
import { MemoryBlobStore } from '../../../src/stores/memory-blob-store.ts'
import { MemoryLocalStore } from '../../../src/stores/memory-local-store.ts'

describe('Mutex', () => {
  it('runs tasks one at a time in call order, a failure not blocking the next', async () => {
    const mutex = new Mutex()
    const order: string[] = []
    const slow = mutex.run(async () => {
      await new Promise((r) => setTimeout(r, 20))
      order.push('slow')
    })
    const failing = mutex.run(async () => {
      order.push('failing')
      throw new Error('no')
    })
    const last = mutex.run(async () => order.push('last'))
    await slow
    await expect(failing).rejects.toThrow('no')
    await last
    expect(order).toEqual(['slow', 'failing', 'last'])
  })
})

describe('SafeObservable', () => {
  it('reports a listener that throws and still calls the others', () => {
    const reported: string[] = []
    const events = new SafeObservable<{ ping: (n: number) => void }>((_, context) => reported.push(context))
    const got: number[] = []
    events.on('ping', () => {
      throw new Error('bug')
    })
    events.on('ping', (n) => got.push(n))
    events.emit('ping', [1])
    expect(got).toEqual([1])
    expect(reported).toEqual(["a 'ping' listener threw"])
  })
})

describe('options', () => {
  const base = { remote: new MemoryBlobStore(), local: new MemoryLocalStore() }
  it('fills in defaults and keeps what was given', () => {
    const o = resolveOptions({ ...base, pushDelayMs: 5, deviceName: undefined })
    expect(o).toMatchObject({
      pushDelayMs: 5,
      pollIntervalMs: 30_000,
      root: '/y-dropbox',
      gcGraceMs: 7 * 24 * 3600_000,
    })
  })
  it('refuses what cannot work, saying which option', () => {
    expect(() => resolveOptions({ ...base, pushDelayMs: -1 })).toThrow(/pushDelayMs must be a number ≥ 0/)
    expect(() => resolveOptions({ ...base, downloadConcurrency: 0 })).toThrow(/downloadConcurrency/)
    expect(() => resolveOptions({ local: base.local } as never)).toThrow(/needs a `remote` BlobStore/)
  })
})

describe('DocIndex', () => {
  it('merges what other devices say: deleted wins, newest time and summary, hints when others changed it', () => {
    const index = new DocIndex()
    index.set('a', { updatedAt: 5, deleted: false, summary: 'mine', summaryBy: 'local' })
    const merged = index.mergeRemote(
      'a',
      [
        { deleted: true, updatedAt: 9, summary: 'theirs' },
        { deleted: false, updatedAt: 7 },
      ],
      new Set(['other']),
      false,
    )
    expect(merged).toMatchObject({ deleted: true, updatedAt: 9, summary: 'theirs', summaryStale: true })
  })
})

describe('LiveDocs', () => {
  it("passes a doc's own edits on, not those the engine applies, and forgets a destroyed doc", () => {
    const live = new LiveDocs()
    const doc = new Y.Doc()
    const edits: Uint8Array[] = []
    live.add('a', doc, (u) => edits.push(u))
    doc.getMap('m').set('k', 1)
    const other = new Y.Doc()
    other.getMap('m').set('j', 2)
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other), REMOTE_ORIGIN)
    expect(edits).toHaveLength(1)
    doc.destroy()
    expect(live.get('a')).toBeUndefined()
  })
  it('after supersede, an edit to an old doc goes to the late handler, not to sync', () => {
    const live = new LiveDocs()
    const doc = new Y.Doc()
    const synced: Uint8Array[] = []
    const late: string[] = []
    live.add('a', doc, (u) => synced.push(u))
    expect(live.supersede((id) => late.push(id))).toEqual(['a'])
    doc.getMap('m').set('k', 1)
    expect(synced).toEqual([])
    expect(late).toEqual(['a'])
    expect(live.ids()).toEqual([])
  })
})
