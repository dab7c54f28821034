/**
 * An app's own Y.Docs: adopted with `attach()`, kept in sync, and never
 * losing an edit when a master download replaces them.
 */

import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { activePair, contents, MemoryCloud, openDevice, setField } from './helpers.ts'

describe('attach(id, doc)', () => {
  it('adopts a new doc as a new entry: listed, stored, pushed, and doc(id) returns it', async () => {
    const { phone, tablet } = await activePair()
    const mine = new Y.Doc()
    await phone.engine.attach('n1', mine)
    expect(await phone.engine.doc('n1')).toBe(mine)
    expect(phone.engine.list().map((d) => d.id)).toEqual(['n1'])
    mine.getMap('entry').set('pain', 4)
    await phone.engine.syncNow()
    await tablet.engine.syncNow()
    expect(await contents(tablet.engine)).toEqual({ n1: { pain: 4 } })
    // Remote changes are applied into the app's doc.
    await setField(tablet.engine, 'n1', 'notes', 'from the tablet')
    await tablet.engine.syncNow()
    await phone.engine.syncNow()
    expect(mine.getMap('entry').toJSON()).toEqual({ pain: 4, notes: 'from the tablet' })
  })

  it("merges the stored state into the app's doc and keeps what the doc held before", async () => {
    const { phone, tablet } = await activePair()
    await setField(phone.engine, 'e', 'pain', 2)
    await phone.engine.syncNow()
    await tablet.engine.syncNow()
    const mine = new Y.Doc()
    mine.getMap('entry').set('notes', 'typed before attaching')
    await tablet.engine.attach('e', mine)
    expect(mine.getMap('entry').toJSON()).toEqual({ pain: 2, notes: 'typed before attaching' })
    await tablet.engine.syncNow()
    await phone.engine.syncNow()
    expect(await contents(phone.engine)).toEqual({ e: { pain: 2, notes: 'typed before attaching' } })
  })

  it('adds nothing to upload when the doc holds only what is stored', async () => {
    const { phone } = await activePair()
    await setField(phone.engine, 'e', 'pain', 2)
    await phone.engine.syncNow()
    const copy = new Y.Doc()
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(await phone.engine.doc('e')))
    ;(await phone.engine.doc('e')).destroy()
    await phone.engine.attach('e', copy)
    await phone.engine.flush()
    expect(phone.engine.status.pending).toBe(0)
  })

  it('refuses a second doc for an open entry and changes nothing; attaching the same doc again is fine', async () => {
    const { phone } = await activePair()
    const first = new Y.Doc()
    await phone.engine.attach('e', first)
    first.getMap('entry').set('pain', 1)
    const second = new Y.Doc()
    second.getMap('entry').set('pain', 9)
    await expect(phone.engine.attach('e', second)).rejects.toThrow(/already open as another Y.Doc/)
    expect(second.getMap('entry').toJSON()).toEqual({ pain: 9 })
    expect((await phone.engine.doc('e')).getMap('entry').toJSON()).toEqual({ pain: 1 })
    await phone.engine.attach('e', first)
    // Once the first is destroyed, another doc may take the entry.
    first.destroy()
    await phone.engine.attach('e', second)
    expect(second.getMap('entry').get('pain')).toBeDefined()
  })

  it("rejects a damaged stored copy without touching the app's doc", async () => {
    const cloud = new MemoryCloud()
    const phone = await openDevice(cloud, 'phone')
    await setField(phone.engine, 'e', 'pain', 1)
    await phone.engine.close()
    await phone.local.write([['d/e', new Uint8Array([1, 2, 3, 250, 251])]])
    const again = await openDevice(cloud, 'phone', { local: phone.local })
    const mine = new Y.Doc()
    mine.getMap('entry').set('notes', 'kept')
    await expect(again.engine.attach('e', mine)).rejects.toThrow(/stored copy of document "e" is damaged/)
    expect(mine.getMap('entry').toJSON()).toEqual({ notes: 'kept' })
  })
})

describe('a doc in use when a master download replaces the database', () => {
  it('hands over a successor, and an edit typed into the old doc is kept in the backup, named in the status', async () => {
    const { phone, tablet } = await activePair()
    await setField(phone.engine, 'shared', 'pain', 3)
    await phone.engine.syncNow()
    await tablet.engine.syncNow()
    const held = new Y.Doc()
    await tablet.engine.attach('shared', held)
    await phone.engine.uploadMaster()
    const successors = new Map<string, Y.Doc>()
    tablet.engine.on('replaced', (id, doc) => successors.set(id, doc))
    const backup = await tablet.engine.downloadMaster()
    const successor = successors.get('shared')
    expect(successor).toBeDefined()
    expect(successor).not.toBe(held)
    expect(await tablet.engine.doc('shared')).toBe(successor)
    expect(successor!.getMap('entry').toJSON()).toEqual({ pain: 3 })

    // The app had not re-bound yet: the user types into the old doc.
    held.getMap('entry').set('notes', 'typed into the old doc')
    await new Promise((r) => setTimeout(r, 50))
    await tablet.engine.flush()
    expect(tablet.engine.status.notes).toContainEqual({ kind: 'edits-kept', backup, ids: ['shared'] })
    expect(tablet.engine.status.message).toMatch(
      /entry shared after the master download were kept in the local backup/,
    )
    const look = await tablet.engine.backupDoc(backup, 'shared')
    expect(look?.getMap('entry').get('notes')).toBe('typed into the old doc')
    // Nothing of it reached the pool by itself.
    await tablet.engine.syncNow()
    await phone.engine.syncNow()
    expect(await contents(phone.engine)).toEqual({ shared: { pain: 3 } })

    // Restoring the backup brings it into the diary; it then syncs, and the note goes.
    await tablet.engine.restoreBackup(backup)
    await tablet.engine.syncNow()
    await phone.engine.syncNow()
    expect(await contents(phone.engine)).toEqual({ shared: { pain: 3, notes: 'typed into the old doc' } })
    expect(tablet.engine.status.notes ?? []).not.toContainEqual(
      expect.objectContaining({ kind: 'edits-kept' }),
    )
  })

  it('lists what a backup holds: when, why, and which entries were never uploaded', async () => {
    const { phone, tablet } = await activePair()
    await setField(tablet.engine, 'unsent', 'pain', 7)
    await tablet.engine.flush()
    await phone.engine.uploadMaster()
    const backup = await tablet.engine.downloadMaster()
    expect(await tablet.engine.backupInfo(backup)).toMatchObject({
      name: backup,
      reason: 'download-master',
      entries: 1,
      unsent: ['unsent'],
    })
    expect(await tablet.engine.backupEntries(backup)).toMatchObject([
      { id: 'unsent', unsent: true, deleted: false },
    ])
    expect(await tablet.engine.restoreBackup(backup, ['unsent'])).toBe(1)
    expect(await contents(tablet.engine)).toEqual({ unsent: { pain: 7 } })
    await expect(tablet.engine.backupInfo('no-such-backup')).rejects.toThrow(/no backup named/)
  })
})
