import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  BackupError,
  createBackup,
  fromBase64,
  readBackup,
  restoreBackup,
  toBase64,
} from '../src/model/backup.ts'
import { initEntry, notesOf, readEntry, setPain } from '../src/model/entry.ts'
import { MemoryDiary } from './helpers/memory-diary.ts'

async function diaryWith(entries: Record<string, Parameters<typeof initEntry>[1]>): Promise<MemoryDiary> {
  const diary = new MemoryDiary()
  for (const [id, data] of Object.entries(entries)) initEntry(await diary.doc(id), data, 1)
  return diary
}

describe('backup', () => {
  it('round-trips every entry that is not deleted, readable and exact', async () => {
    const diary = await diaryWith({
      a: { at: '2024-01-01T08:00', pain: 4, locations: ['Neck'], notes: 'stiff' },
      b: {
        at: '2024-01-02T08:00',
        pain: 7,
        medications: [{ id: 'm', name: 'Ibuprofen', dose: '400 mg', addedAt: 1 }],
      },
      gone: { pain: 1 },
    })
    await diary.delete('gone')
    const progress: number[] = []
    const bytes = await createBackup(
      diary,
      'Phone',
      (done) => progress.push(done),
      new Date('2024-02-01T00:00:00Z'),
    )
    expect(progress).toEqual([1, 2])
    const file = readBackup(bytes)
    expect(file).toMatchObject({
      format: 'pain-diary-backup',
      version: 1,
      device: 'Phone',
      exportedAt: '2024-02-01T00:00:00.000Z',
    })
    expect(file.entries.map((e) => e.id)).toEqual(['a', 'b'])
    expect(file.entries[1]!.entry.medications[0]).toMatchObject({ name: 'Ibuprofen', dose: '400 mg' })
    const fresh = new MemoryDiary()
    expect(await restoreBackup(fresh, file, 'merge')).toEqual({ added: 2, updated: 0, removed: 0 })
    expect(readEntry(await fresh.doc('a'))).toEqual(readEntry(await diary.doc('a')))
  })

  it('merges into a diary that changed since, keeping edits on both sides', async () => {
    const diary = await diaryWith({ a: { pain: 3, notes: 'morning' } })
    const file = readBackup(await createBackup(diary, 'Phone'))
    // After the backup, the device edits the entry and adds another.
    setPain(await diary.doc('a'), 5)
    initEntry(await diary.doc('c'), { pain: 2 })
    // The backup was made from another device's copy with its own edit.
    const other = new Y.Doc()
    Y.applyUpdate(other, fromBase64(file.entries[0]!.update))
    notesOf(other).insert(7, ' and evening')
    file.entries[0]!.update = toBase64(Y.encodeStateAsUpdate(other))
    const counts = await restoreBackup(diary, file, 'merge')
    expect(counts).toEqual({ added: 0, updated: 1, removed: 0 })
    expect(readEntry(await diary.doc('a'))).toMatchObject({ pain: 5, notes: 'morning and evening' })
    expect(diary.deleted.has('c')).toBe(false)
  })

  it('replaces: overwrites fields, deletes entries missing from the backup, revives deleted ones', async () => {
    const diary = await diaryWith({ a: { pain: 3, notes: 'old', locations: ['Knees'] }, b: { pain: 1 } })
    const file = readBackup(await createBackup(diary, 'Phone'))
    setPain(await diary.doc('a'), 9)
    notesOf(await diary.doc('a')).insert(3, ' and changed')
    await diary.delete('b')
    initEntry(await diary.doc('c'), { pain: 6 })
    const counts = await restoreBackup(diary, file, 'replace')
    expect(counts).toEqual({ added: 1, updated: 1, removed: 1 })
    expect(readEntry(await diary.doc('a'))).toMatchObject({ pain: 3, notes: 'old', locations: ['Knees'] })
    expect(diary.deleted.has('c')).toBe(true)
    const revived = diary.list().filter((i) => !i.deleted && i.id !== 'a')
    expect(revived).toHaveLength(1)
    expect(readEntry(await diary.doc(revived[0]!.id)).pain).toBe(1)
  })

  it('refuses files that are not backups, newer versions and damaged entries, saying why', () => {
    expect(() => readBackup(new Uint8Array([0xff, 0xfe, 0x00]))).toThrow(BackupError)
    const base = {
      format: 'pain-diary-backup',
      version: 1,
      exportedAt: '',
      device: '',
      entries: [] as unknown[],
    }
    const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v))
    expect(() => readBackup(enc({ hello: 1 }))).toThrow(/not a pain diary backup/)
    expect(() => readBackup(enc({ ...base, version: 2 }))).toThrow(/newer version/)
    expect(() => readBackup(enc({ ...base, entries: undefined }))).toThrow(/no list of entries/)
    expect(() => readBackup(enc({ ...base, entries: [{ id: 'x' }] }))).toThrow(/Entry 1 .* damaged/)
    expect(() =>
      readBackup(enc({ ...base, entries: [{ id: 'x', update: toBase64(new Uint8Array([9, 9, 9, 9])) }] })),
    ).toThrow(/Entry 1 .* cannot be read/)
    expect(readBackup(enc(base)).entries).toEqual([])
  })

  it('encodes base64 for large updates', () => {
    const bytes = new Uint8Array(70_000).map((_, i) => i % 251)
    expect(Buffer.from(fromBase64(toBase64(bytes))).equals(Buffer.from(bytes))).toBe(true)
  })
})
