/** backups.ts on its own: taking, listing, reading and restoring local backups, and late edits. */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  BACKUPS_KEPT,
  backupDoc,
  backupEntries,
  backupInfo,
  backupName,
  backupWritesLocked,
  keepLateEdit,
  listBackups,
  restoreBackup,
} from '../../../src/engine/backups.ts'
import { YDropboxError } from '../../../src/errors.ts'
import { edit, entry, type Parts, parts } from './fixture.ts'

/** Takes backup `name` of everything `device` holds. */
async function takeBackup(device: Parts, name: string): Promise<string[]> {
  return device.core.lock.run(async () => {
    const { unsent, writes } = await backupWritesLocked(device.ctx, name, 'download-master')
    await device.local.write(writes)
    return unsent
  })
}

/** Waits until `device`'s lock has run everything queued before now. */
const settled = (device: Parts) => device.core.lock.run(async () => {})

describe('backupName', () => {
  it('names a backup by its time, sortable and safe as a key', () => {
    expect(backupName(Date.UTC(2026, 0, 2, 3, 4, 5, 6))).toBe('2026-01-02T03-04-05-006Z')
    expect(backupName(1000) < backupName(2000)).toBe(true)
  })
})

describe('taking backups', () => {
  it('saves every document with its unsent ids, and lists backups newest first', async () => {
    const phone = await parts(undefined, { summarize: (doc) => doc.getMap('entry').get('pain') })
    await edit(phone, 'a', 1)
    await edit(phone, 'b', 2)
    expect(await takeBackup(phone, 'n1')).toEqual(['a', 'b'])
    await takeBackup(phone, 'n2')
    expect(await listBackups(phone.core)).toEqual(['n2', 'n1'])
    expect(await backupInfo(phone.core, 'n1')).toMatchObject({
      name: 'n1',
      reason: 'download-master',
      entries: 2,
      unsent: ['a', 'b'],
    })
    expect(await backupEntries(phone.core, 'n1')).toEqual([
      expect.objectContaining({ id: 'a', summary: 1, unsent: true, deleted: false }),
      expect.objectContaining({ id: 'b', summary: 2, unsent: true, deleted: false }),
    ])
  })

  it(`keeps the newest ${BACKUPS_KEPT}, with their late edits, dropping older ones whole`, async () => {
    const phone = await parts()
    await edit(phone, 'a', 1)
    for (let i = 1; i <= BACKUPS_KEPT + 1; i++) {
      await takeBackup(phone, `n${i}`)
      if (i === 1) {
        keepLateEdit(phone.core, 'n1', 'a', new Y.Doc())
        await settled(phone)
        expect(phone.core.state.keptEdits).toEqual({ backup: 'n1', ids: ['a'] })
      }
    }
    expect(await listBackups(phone.core)).toEqual(['n4', 'n3', 'n2'])
    expect(await phone.local.keys('bi/n1')).toEqual([])
    expect(await phone.local.keys('bl/n1/')).toEqual([])
    expect(phone.core.state.keptEdits).toBeUndefined()
  })

  it('reads an older backup without a record from its blob', async () => {
    const phone = await parts()
    await edit(phone, 'a', 1)
    await takeBackup(phone, 'n1')
    await phone.local.write([['bi/n1', undefined]])
    expect(await backupInfo(phone.core, 'n1')).toMatchObject({
      entries: 1,
      unsent: [],
      reason: 'download-master',
    })
  })

  it('names the backup that does not exist', async () => {
    const phone = await parts()
    const error = await backupEntries(phone.core, 'nope').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(YDropboxError)
    expect((error as Error).message).toMatch(/there is no backup named "nope" on this device/)
  })
})

describe('reading and restoring', () => {
  it('opens a backed-up entry as a detached doc, with the edits kept after the backup', async () => {
    const phone = await parts()
    await edit(phone, 'a', 1)
    await takeBackup(phone, 'n1')
    const late = new Y.Doc()
    late.getMap('entry').set('note', 'typed after')
    keepLateEdit(phone.core, 'n1', 'a', late)
    await settled(phone)
    const doc = await backupDoc(phone.core, 'n1', 'a')
    expect(doc?.getMap('entry').toJSON()).toEqual({ pain: 1, note: 'typed after' })
    expect(await backupDoc(phone.core, 'n1', 'missing')).toBeUndefined()
    // Detached: changing it changes nothing here.
    doc!.getMap('entry').set('pain', 99)
    expect(await entry(phone, 'a')).toEqual({ pain: 1 })
  })

  it('merges chosen entries back, then all of them, which settles the kept edits', async () => {
    const phone = await parts()
    await edit(phone, 'a', 1)
    await edit(phone, 'b', 2)
    await takeBackup(phone, 'n1')
    keepLateEdit(phone.core, 'n1', 'a', new Y.Doc())
    await settled(phone)
    await phone.local.write([
      ['d/a', undefined],
      ['d/b', undefined],
    ])
    const fresh = await parts(undefined, { local: phone.local.reopen() })
    expect(await restoreBackup(fresh.core, 'n1', ['b'])).toBe(1)
    expect(await entry(fresh, 'b')).toEqual({ pain: 2 })
    expect(await fresh.local.get('d/a')).toBeUndefined()
    expect(fresh.core.state.keptEdits).toBeDefined()
    expect(await restoreBackup(fresh.core, 'n1')).toBe(2)
    expect(await entry(fresh, 'a')).toEqual({ pain: 1 })
    expect(fresh.core.state.keptEdits).toBeUndefined()
    // Restored entries sync like edits.
    expect([...fresh.core.pendingIds].sort()).toEqual(['a', 'b'])
  })
})
