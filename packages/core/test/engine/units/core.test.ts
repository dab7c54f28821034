/** core.ts on its own: live documents, capturing and storing edits, applying remote updates. */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { DocsEvent } from '../../../src/engine/events.ts'
import { keys } from '../../../src/engine/local-state.ts'
import { CorruptBlobError, YDropboxError } from '../../../src/errors.ts'
import { edit, entry, type Parts, parts } from './fixture.ts'

/** An update that sets `entry.pain` to `value` in a doc of its own. */
function remoteUpdate(value: unknown): Uint8Array {
  const doc = new Y.Doc()
  doc.getMap('entry').set('pain', value)
  return Y.encodeStateAsUpdate(doc)
}

function docsEvents(device: Parts): DocsEvent[] {
  const events: DocsEvent[] = []
  device.core.events.on('docs', (event) => events.push(event))
  return events
}

describe('EngineCore: local edits', () => {
  it('stores an edit durably as the document and as pending, and announces it', async () => {
    const phone = await parts(undefined, { now: () => 42 })
    const events = docsEvents(phone)
    await edit(phone, 'a', 1)
    expect(events).toEqual([{ added: ['a'], changed: [], deleted: [], origin: 'local' }])
    expect(phone.core.index.get('a')).toEqual({ updatedAt: 42, deleted: false })
    const stored = new Y.Doc()
    Y.applyUpdate(stored, (await phone.local.get(keys.doc('a')))!)
    expect(stored.getMap('entry').toJSON()).toEqual({ pain: 1 })
    expect(await phone.local.get(keys.pending('a'))).toBeDefined()
    expect(phone.core.pendingCount).toBe(1)
  })

  it('creates a document as soon as it is opened, before its first edit', async () => {
    const phone = await parts()
    await phone.core.doc('empty')
    expect(phone.core.hasUnflushed).toBe(true)
    await phone.core.flush()
    expect(await phone.local.get(keys.doc('empty'))).toBeDefined()
    expect([...phone.core.pendingIds]).toEqual(['empty'])
  })

  it('finds its documents, index and pending list again after a restart', async () => {
    const phone = await parts()
    await edit(phone, 'a', 1)
    const again = await parts(undefined, { local: phone.local.reopen() })
    expect(again.core.index.get('a')).toBeDefined()
    expect([...again.core.pendingIds]).toEqual(['a'])
    expect(await entry(again, 'a')).toEqual({ pain: 1 })
  })

  it('marks a deleted document in the document and the index', async () => {
    const phone = await parts()
    await edit(phone, 'a', 1)
    const events = docsEvents(phone)
    await phone.core.delete('a')
    expect(phone.core.index.get('a')?.deleted).toBe(true)
    expect(events.at(-1)).toMatchObject({ deleted: ['a'] })
  })

  it('refuses a damaged stored copy with a CorruptBlobError naming the key', async () => {
    const phone = await parts()
    await phone.local.write([[keys.doc('bad'), new Uint8Array([0xff, 0xff, 0xff])]])
    const error = await phone.core.doc('bad').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CorruptBlobError)
    expect((error as Error).message).toMatch(/the stored copy of document "bad" is damaged/)
  })

  it('reports a summarize() that throws and stores the edit all the same', async () => {
    const phone = await parts(undefined, {
      summarize: () => {
        throw new Error('app bug')
      },
    })
    await edit(phone, 'a', 1)
    expect(phone.errors).toEqual(['summarize() threw for document a'])
    expect(await phone.local.get(keys.doc('a'))).toBeDefined()
  })
})

describe('EngineCore.attach', () => {
  it("merges the stored state into the app's doc and keeps what that doc held", async () => {
    const phone = await parts()
    await edit(phone, 'a', 1)
    const mine = new Y.Doc()
    mine.getMap('entry').set('note', 'from the app')
    const again = await parts(undefined, { local: phone.local.reopen() })
    await again.core.attach('a', mine)
    expect(mine.getMap('entry').toJSON()).toEqual({ pain: 1, note: 'from the app' })
    expect(await again.core.doc('a')).toBe(mine)
    await again.core.flush()
    const stored = new Y.Doc()
    Y.applyUpdate(stored, (await again.local.get(keys.doc('a')))!)
    expect(stored.getMap('entry').toJSON()).toEqual({ pain: 1, note: 'from the app' })
  })

  it('refuses an id that is open as another doc, changing nothing', async () => {
    const phone = await parts()
    const open = await phone.core.doc('a')
    const other = new Y.Doc()
    other.getMap('entry').set('x', 1)
    const error = await phone.core.attach('a', other).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(YDropboxError)
    expect((error as Error).message).toMatch(/already open as another Y.Doc/)
    expect(open.getMap('entry').toJSON()).toEqual({})
  })
})

describe('EngineCore.applyRemoteLocked', () => {
  it('merges remote updates into the store and the live doc without taking them for local edits', async () => {
    const phone = await parts()
    const live = await phone.core.doc('a')
    await phone.core.flush()
    await phone.core.lock.run(async () => {
      phone.core.pendingIds.clear()
      await phone.local.write([[keys.pending('a'), undefined]])
    })
    const event = await phone.core.lock.run(() =>
      phone.core.applyRemoteLocked([
        {
          source: 'tablet',
          entries: [
            { docId: 'a', update: remoteUpdate(7), deleted: false, updatedAt: 9 },
            { docId: 'b', update: remoteUpdate(8), deleted: true, updatedAt: 9 },
          ],
        },
      ]),
    )
    expect(event).toEqual({ added: ['b'], changed: ['a'], deleted: [], origin: 'remote' })
    expect(live.getMap('entry').toJSON()).toEqual({ pain: 7 })
    expect(phone.core.hasUnflushed).toBe(false)
    expect(phone.core.pendingIds.size).toBe(0)
    expect(phone.core.index.get('b')).toMatchObject({ deleted: true, updatedAt: 9 })
    // The device state is written in the same write (coverage travels with the updates).
    expect(await phone.local.get(keys.state)).toEqual(phone.core.device.record()[1])
  })
})

describe('EngineCore: replacing the database and closing', () => {
  it('sends edits to superseded docs elsewhere, and hands new docs over on reopen', async () => {
    const phone = await parts()
    const old = await phone.core.doc('a')
    old.getMap('entry').set('pain', 1)
    const late: string[] = []
    const ids = await phone.core.lock.run(() => phone.core.supersedeLiveLocked((id) => late.push(id)))
    expect(ids).toEqual(['a'])
    // Captured edits were written first.
    expect(await phone.local.get(keys.doc('a'))).toBeDefined()
    old.getMap('entry').set('pain', 2)
    expect(late).toEqual(['a'])
    expect(phone.core.hasUnflushed).toBe(false)
    const replaced: Array<[string, Y.Doc]> = []
    phone.core.events.on('replaced', (id, doc) => replaced.push([id, doc]))
    await phone.core.reopen(['a', 'gone'])
    expect(replaced.map(([id]) => id)).toEqual(['a'])
    expect(replaced[0]![1]).not.toBe(old)
  })

  it('writes captured edits on close, then refuses use', async () => {
    const phone = await parts()
    const doc = await phone.core.doc('a')
    doc.getMap('entry').set('pain', 1)
    await phone.core.close()
    expect(await phone.local.get(keys.pending('a'))).toBeDefined()
    await expect(phone.core.doc('a')).rejects.toThrow(/this engine is closed/)
    await expect(phone.core.flush()).rejects.toThrow(/this engine is closed/)
  })
})
