/**
 * files/list_folder, /continue and /get_latest_cursor, pinned to
 * https://www.dropbox.com/developers/documentation/http/documentation#files-list_folder
 * and the "Detecting changes" guide (cursors report changes since they were issued; an expired
 * or invalid cursor is a 409 `reset`).
 */
import type { Dropbox, files } from 'dropbox'
import { describe, expect, it } from 'vitest'
import { bytes, connected, dropboxError, expectRouteError } from './helpers.ts'

type Entry = { '.tag': string; path_lower?: string; path_display?: string }

/** Every page of a listing, following has_more, and the final cursor. */
async function listAll(
  dbx: Dropbox,
  arg: files.ListFolderArg,
): Promise<{ entries: Entry[]; cursor: string; pages: number }> {
  let page = (await dbx.filesListFolder(arg)).result
  const entries: Entry[] = [...page.entries]
  let pages = 1
  while (page.has_more) {
    page = (await dbx.filesListFolderContinue({ cursor: page.cursor })).result
    entries.push(...page.entries)
    pages++
  }
  return { entries, cursor: page.cursor, pages }
}

const paths = (entries: Entry[]) => entries.map((e) => `${e['.tag']}:${e.path_lower}`)

describe('files/list_folder', () => {
  it('lists direct children only, folders included, without the folder itself', async () => {
    const { dbx } = await connected()
    await dbx.filesUpload({ path: '/Top/a.txt', contents: bytes('a') })
    await dbx.filesUpload({ path: '/Top/Sub/b.txt', contents: bytes('b') })
    const { result } = await dbx.filesListFolder({ path: '/top' })
    expect(paths(result.entries).sort()).toEqual(['file:/top/a.txt', 'folder:/top/sub'])
    expect(result.has_more).toBe(false)
  })

  it('recursive from the root lists every folder before what it holds', async () => {
    const { dbx } = await connected()
    await dbx.filesUpload({ path: '/x/y/z.txt', contents: bytes('z') })
    await dbx.filesUpload({ path: '/x/w.txt', contents: bytes('w') })
    const { entries } = await listAll(dbx, { path: '', recursive: true })
    expect(paths(entries)).toEqual(['folder:/x', 'folder:/x/y', 'file:/x/y/z.txt', 'file:/x/w.txt'])
  })

  it('recursive on a folder includes the folder itself, as Dropbox does', async () => {
    const { dbx } = await connected()
    await dbx.filesUpload({ path: '/x/a.txt', contents: bytes('a') })
    const { entries } = await listAll(dbx, { path: '/x', recursive: true })
    expect(paths(entries)).toEqual(['folder:/x', 'file:/x/a.txt'])
  })

  it('pages with a small limit through many files, each exactly once', async () => {
    const { dbx } = await connected()
    const n = 53
    const batch = Array.from({ length: n }, (_, i) =>
      dbx.filesUpload({ path: `/many/f${i}.bin`, contents: bytes(`${i}`) }),
    )
    await Promise.all(batch)
    const { entries, pages } = await listAll(dbx, { path: '/many', limit: 10 })
    expect(pages).toBe(6)
    expect(new Set(entries.map((e) => e.path_lower)).size).toBe(n)
  })

  it('limit must be within [1, 2000]; the root is "" not "/"', async () => {
    const { dbx } = await connected()
    expect((await dropboxError(dbx.filesListFolder({ path: '', limit: 2001 }))).status).toBe(400)
    expect((await dropboxError(dbx.filesListFolder({ path: '', limit: 0 }))).status).toBe(400)
    const e = await dropboxError(dbx.filesListFolder({ path: '/' }))
    expect(e.status).toBe(400)
    expect(String(e.error)).toContain('empty string')
  })

  it('a missing folder is path/not_found, a file is path/not_folder', async () => {
    const { dbx } = await connected()
    await dbx.filesUpload({ path: '/f.txt', contents: bytes('f') })
    await expectRouteError(dbx.filesListFolder({ path: '/nope' }), 'path/not_found/')
    await expectRouteError(dbx.filesListFolder({ path: '/f.txt' }), 'path/not_folder/')
  })

  it('include_deleted shows deleted entries', async () => {
    const { dbx } = await connected()
    await dbx.filesUpload({ path: '/d/a.txt', contents: bytes('a') })
    await dbx.filesUpload({ path: '/d/b.txt', contents: bytes('b') })
    await dbx.filesDeleteV2({ path: '/d/a.txt' })
    const without = (await dbx.filesListFolder({ path: '/d' })).result.entries
    expect(paths(without)).toEqual(['file:/d/b.txt'])
    const withDeleted = (await dbx.filesListFolder({ path: '/d', include_deleted: true })).result.entries
    expect(paths(withDeleted).sort()).toEqual(['deleted:/d/a.txt', 'file:/d/b.txt'])
  })
})

describe('files/list_folder/continue', () => {
  it('reports only what changed since the cursor: new files, new revisions and deletions', async () => {
    const { dbx } = await connected()
    await dbx.filesUpload({ path: '/p/keep.txt', contents: bytes('k') })
    await dbx.filesUpload({ path: '/p/edit.txt', contents: bytes('1') })
    await dbx.filesUpload({ path: '/p/drop.txt', contents: bytes('d') })
    await dbx.filesUpload({ path: '/elsewhere.txt', contents: bytes('e') })
    const { cursor } = await listAll(dbx, { path: '/p', recursive: true })
    const empty = (await dbx.filesListFolderContinue({ cursor })).result
    expect(empty.entries).toEqual([])
    await dbx.filesUpload({ path: '/p/new.txt', contents: bytes('n') })
    await dbx.filesUpload({ path: '/p/edit.txt', contents: bytes('2'), mode: { '.tag': 'overwrite' } })
    await dbx.filesDeleteV2({ path: '/p/drop.txt' })
    await dbx.filesUpload({ path: '/elsewhere2.txt', contents: bytes('e') })
    const changes = (await dbx.filesListFolderContinue({ cursor: empty.cursor })).result
    expect(paths(changes.entries)).toEqual(['file:/p/new.txt', 'file:/p/edit.txt', 'deleted:/p/drop.txt'])
    expect((await dbx.filesListFolderContinue({ cursor: changes.cursor })).result.entries).toEqual([])
  })

  it('a deleted folder is reported with a deleted entry for it and for each thing it held', async () => {
    const { dbx } = await connected()
    await dbx.filesUpload({ path: '/root/dir/a.txt', contents: bytes('a') })
    const { cursor } = await listAll(dbx, { path: '/root', recursive: true })
    await dbx.filesDeleteV2({ path: '/root/dir' })
    const { entries } = (await dbx.filesListFolderContinue({ cursor })).result
    expect(paths(entries)).toEqual(['deleted:/root/dir/a.txt', 'deleted:/root/dir'])
  })

  it('continues pages with the limit of the first call', async () => {
    const { dbx } = await connected()
    const { cursor } = (await dbx.filesListFolder({ path: '', limit: 3 })).result
    for (let i = 0; i < 7; i++) await dbx.filesUpload({ path: `/f${i}`, contents: bytes(`${i}`) })
    const first = (await dbx.filesListFolderContinue({ cursor })).result
    expect(first.entries).toHaveLength(3)
    expect(first.has_more).toBe(true)
  })

  it('an invalid cursor is 409 reset; so is a cursor from before a wipe', async () => {
    const { em, dbx } = await connected()
    const error = await expectRouteError(
      dbx.filesListFolderContinue({ cursor: 'AAAAbogus-cursor-AAAAAAAAAAAAAA' }),
      'reset/',
    )
    expect(error).toEqual({ '.tag': 'reset' })
    await dbx.filesUpload({ path: '/a.txt', contents: bytes('a') })
    const { cursor } = (await dbx.filesListFolder({ path: '' })).result
    const tampered = `${cursor.slice(0, -2)}${cursor.endsWith('A') ? 'B' : 'A'}A`
    await expectRouteError(dbx.filesListFolderContinue({ cursor: tampered }), 'reset/')
    await em.reset()
    await expectRouteError(dbx.filesListFolderContinue({ cursor }), 'reset/')
  })

  it('the cursor folder itself deleted is path/not_found', async () => {
    const { dbx } = await connected()
    await dbx.filesUpload({ path: '/p/a.txt', contents: bytes('a') })
    const { cursor } = (await dbx.filesListFolder({ path: '/p' })).result
    await dbx.filesDeleteV2({ path: '/p' })
    await expectRouteError(dbx.filesListFolderContinue({ cursor }), 'path/not_found/')
  })
})

describe('files/list_folder/get_latest_cursor', () => {
  it('gives a cursor that sees only later changes', async () => {
    const { dbx } = await connected()
    await dbx.filesUpload({ path: '/p/old.txt', contents: bytes('o') })
    const { cursor } = (await dbx.filesListFolderGetLatestCursor({ path: '/p', recursive: true })).result
    await dbx.filesUpload({ path: '/p/new.txt', contents: bytes('n') })
    const { entries } = (await dbx.filesListFolderContinue({ cursor })).result
    expect(paths(entries)).toEqual(['file:/p/new.txt'])
  })

  it('refuses a missing folder', async () => {
    const { dbx } = await connected()
    await expectRouteError(dbx.filesListFolderGetLatestCursor({ path: '/nope' }), 'path/not_found/')
  })
})
