/**
 * files/upload and files/download, pinned to the Dropbox documentation:
 * https://www.dropbox.com/developers/documentation/http/documentation#files-upload
 * https://www.dropbox.com/developers/documentation/http/documentation#files-download
 */
import { createRequire } from 'node:module'
import type { Dropbox as DropboxType } from 'dropbox'
import { describe, expect, it } from 'vitest'
import { dropboxContentHash, emulatorFetch } from '../src/index.ts'
import { bytes, connected, dropboxError, expectRouteError, post } from './helpers.ts'

type FileResult = { rev: string; size: number; content_hash: string; path_display: string; id: string }

describe('files/upload', () => {
  it('returns FileMetadata (no .tag) with rev, size, content_hash and the case as written', async () => {
    const { dbx } = await connected()
    const { result } = await dbx.filesUpload({ path: '/Diary/Entry.ydu', contents: bytes('hello') })
    expect(result).not.toHaveProperty('.tag')
    expect(result).toMatchObject({
      name: 'Entry.ydu',
      path_lower: '/diary/entry.ydu',
      path_display: '/Diary/Entry.ydu',
      size: 5,
      is_downloadable: true,
      content_hash: dropboxContentHash(bytes('hello')),
    })
    expect(result.rev).toMatch(/^[0-9a-f]{9,}$/)
    expect(result.id).toMatch(/^id:/)
    expect(result.server_modified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
  })

  it('mode add: identical content succeeds without a new rev, different content is path/conflict/file', async () => {
    const { dbx } = await connected()
    const first = (await dbx.filesUpload({ path: '/a.txt', contents: bytes('one') })).result
    const again = (await dbx.filesUpload({ path: '/A.TXT', contents: bytes('one'), mode: { '.tag': 'add' } }))
      .result
    expect(again.rev).toBe(first.rev)
    expect(again.path_display).toBe('/a.txt')
    const error = await expectRouteError(
      dbx.filesUpload({ path: '/a.txt', contents: bytes('two') }),
      'path/conflict/file/',
    )
    expect(error).toEqual({
      '.tag': 'path',
      reason: { '.tag': 'conflict', conflict: { '.tag': 'file' } },
      upload_session_id: '',
    })
  })

  it('strict_conflict makes identical content a conflict in add mode', async () => {
    const { dbx } = await connected()
    await dbx.filesUpload({ path: '/a.txt', contents: bytes('one') })
    await expectRouteError(
      dbx.filesUpload({ path: '/a.txt', contents: bytes('one'), strict_conflict: true }),
      'path/conflict/file/',
    )
  })

  it('mode overwrite replaces and keeps the id; identical bytes keep the rev', async () => {
    const { dbx } = await connected()
    const first = (await dbx.filesUpload({ path: '/a.txt', contents: bytes('one') })).result
    const mode = { '.tag': 'overwrite' } as const
    const second = (await dbx.filesUpload({ path: '/a.txt', contents: bytes('two'), mode })).result
    expect(second.rev).not.toBe(first.rev)
    expect(second.id).toBe(first.id)
    expect(second.size).toBe(3)
    const third = (await dbx.filesUpload({ path: '/a.txt', contents: bytes('two'), mode })).result
    expect(third.rev).toBe(second.rev)
  })

  it('mode update: matching rev writes, a stale rev is path/conflict/file', async () => {
    const { dbx } = await connected()
    const first = (await dbx.filesUpload({ path: '/pool.json', contents: bytes('{"epoch":1}') })).result
    const update = (rev: string, text: string) =>
      dbx.filesUpload({ path: '/pool.json', contents: bytes(text), mode: { '.tag': 'update', update: rev } })
    const second = (await update(first.rev, '{"epoch":2}')).result
    expect(second.rev).not.toBe(first.rev)
    await expectRouteError(update(first.rev, '{"epoch":3}'), 'path/conflict/file/')
    const text = (await dbx.filesDownload({ path: '/pool.json' })).result as unknown as { fileBinary: Buffer }
    expect(text.fileBinary.toString()).toBe('{"epoch":2}')
  })

  it('mode update of a path that never existed is a conflict; a malformed rev is a 400', async () => {
    const { dbx } = await connected()
    await expectRouteError(
      dbx.filesUpload({
        path: '/new.txt',
        contents: bytes('x'),
        mode: { '.tag': 'update', update: '0123456789abcdef' },
      }),
      'path/conflict/file/',
    )
    const e = await dropboxError(
      dbx.filesUpload({ path: '/new.txt', contents: bytes('x'), mode: { '.tag': 'update', update: 'zz' } }),
    )
    expect(e.status).toBe(400)
    expect(String(e.error)).toContain('files/upload')
  })

  it('a folder in the way is path/conflict/folder, a file in the way is file_ancestor', async () => {
    const { dbx } = await connected()
    await dbx.filesUpload({ path: '/dir/file.txt', contents: bytes('x') })
    await expectRouteError(dbx.filesUpload({ path: '/dir', contents: bytes('x') }), 'path/conflict/folder/')
    await expectRouteError(
      dbx.filesUpload({ path: '/dir/file.txt/below', contents: bytes('x') }),
      'path/conflict/file_ancestor/',
    )
  })

  it('autorename puts a conflicting file next to the original', async () => {
    const { dbx } = await connected()
    await dbx.filesUpload({ path: '/note.txt', contents: bytes('one') })
    const renamed = (await dbx.filesUpload({ path: '/note.txt', contents: bytes('two'), autorename: true }))
      .result
    expect(renamed.path_display).toBe('/note (1).txt')
  })

  it('checks content_hash: a wrong 64-character hash is 409 content_hash_mismatch, a wrong length is 400', async () => {
    const { dbx } = await connected()
    const wrong = dropboxContentHash(bytes('other'))
    const error = await expectRouteError(
      dbx.filesUpload({ path: '/a.txt', contents: bytes('mine'), content_hash: wrong }),
      'content_hash_mismatch/',
    )
    expect(error).toEqual({ '.tag': 'content_hash_mismatch' })
    const right = dropboxContentHash(bytes('mine'))
    await expect(
      dbx.filesUpload({ path: '/a.txt', contents: bytes('mine'), content_hash: right }),
    ).resolves.toBeTruthy()
    const e = await dropboxError(
      dbx.filesUpload({ path: '/b.txt', contents: bytes('mine'), content_hash: 'abc' }),
    )
    expect(e.status).toBe(400)
    expect(String(e.error)).toContain('content_hash')
  })

  it('refuses more than the upload limit with payload_too_large', async () => {
    const { dbx } = await connected({ maxUploadBytes: 1024 })
    await expectRouteError(
      dbx.filesUpload({ path: '/big', contents: Buffer.alloc(1025) }),
      'payload_too_large/',
    )
    await expect(dbx.filesUpload({ path: '/ok', contents: Buffer.alloc(1024) })).resolves.toBeTruthy()
  })

  it('malformed paths: no leading slash is 400, a trailing slash is path/malformed_path', async () => {
    const { dbx } = await connected()
    const e = await dropboxError(dbx.filesUpload({ path: 'relative.txt', contents: bytes('x') }))
    expect(e.status).toBe(400)
    await expectRouteError(dbx.filesUpload({ path: '/dir/', contents: bytes('x') }), 'path/malformed_path/')
  })

  it('accepts non-ASCII arguments escaped as \\uXXXX and refuses raw non-ASCII header bytes', async () => {
    const { em, dbx } = await connected()
    const up = (await dbx.filesUpload({ path: '/Ünïcødé/日記.txt', contents: bytes('x') })).result
    expect(up.path_display).toBe('/Ünïcødé/日記.txt')
    const { accessToken } = em.issueTokens()
    const res = await post(em, '/2/files/upload', {
      headers: {
        Authorization: `Bearer ${accessToken}`,
        'Content-Type': 'application/octet-stream',
        'Dropbox-API-Arg': Buffer.from('{"path":"/é"}', 'utf8').toString('latin1'),
      },
      body: 'x',
    })
    expect(res.status).toBe(400)
  })

  it('refuses a wrong Content-Type with a plain-text 400', async () => {
    const { em } = await connected()
    const { accessToken } = em.issueTokens()
    const res = await post(em, '/2/files/upload', {
      headers: {
        Authorization: `Bearer ${accessToken}`,
        'Content-Type': 'application/json',
        'Dropbox-API-Arg': '{"path":"/a"}',
      },
      body: 'x',
    })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('Content-Type')
  })
})

describe('files/download', () => {
  it('ESM SDK: bytes as fileBlob or fileBinary, metadata from Dropbox-API-Result with escaped non-ASCII', async () => {
    const { em, dbx } = await connected()
    const data = Buffer.from([0, 1, 2, 250, 255])
    await dbx.filesUpload({ path: '/Fötö.bin', contents: data })
    const res = await post(em, '/2/files/download', {
      headers: {
        Authorization: `Bearer ${em.issueTokens().accessToken}`,
        'Dropbox-API-Arg': '{"path":"/fötö.bin"}'.replace('ö', '\\u00f6').replace('ö', '\\u00f6'),
      },
    })
    expect(res.status).toBe(200)
    const header = res.headers.get('Dropbox-API-Result') ?? ''
    expect(header).toContain('F\\u00f6t\\u00f6.bin')
    expect(JSON.parse(header).path_display).toBe('/Fötö.bin')
    const { result } = await dbx.filesDownload({ path: '/FÖTÖ.bin' })
    const r = result as unknown as { fileBlob?: Blob; fileBinary?: Buffer; rev: string }
    const got = r.fileBlob ? Buffer.from(await r.fileBlob.arrayBuffer()) : r.fileBinary
    expect(got).toEqual(data)
  })

  it('CommonJS SDK gives fileBinary', async () => {
    const { em } = await connected()
    const cjs = createRequire(import.meta.url)('dropbox') as { Dropbox: typeof DropboxType }
    const dbx = new cjs.Dropbox({ accessToken: em.issueTokens().accessToken, fetch: emulatorFetch(em.url) })
    await dbx.filesUpload({ path: '/x.bin', contents: bytes('cjs') })
    const { result } = await dbx.filesDownload({ path: '/x.bin' })
    const r = result as unknown as FileResult & { fileBinary: Buffer }
    expect(Buffer.isBuffer(r.fileBinary)).toBe(true)
    expect(r.fileBinary.toString()).toBe('cjs')
  })

  it('missing file is path/not_found, a folder is path/not_file', async () => {
    const { dbx } = await connected()
    await dbx.filesUpload({ path: '/dir/a.txt', contents: bytes('x') })
    await expectRouteError(dbx.filesDownload({ path: '/nope.txt' }), 'path/not_found/')
    await expectRouteError(dbx.filesDownload({ path: '/dir' }), 'path/not_file/')
  })

  it('downloads by id', async () => {
    const { dbx } = await connected()
    const { id } = (await dbx.filesUpload({ path: '/a.txt', contents: bytes('by id') })).result
    const { result } = await dbx.filesDownload({ path: id })
    expect(result.path_lower).toBe('/a.txt')
  })
})
