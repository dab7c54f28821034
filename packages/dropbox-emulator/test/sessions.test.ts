/**
 * Upload sessions, pinned to
 * https://www.dropbox.com/developers/documentation/http/documentation#files-upload_session-start
 * (#files-upload_session-append_v2, #files-upload_session-finish, #files-upload_session-finish_batch_v2).
 */
import { describe, expect, it } from 'vitest'
import { dropboxContentHash } from '../src/index.ts'
import { bytes, connected, dropboxError, expectRouteError } from './helpers.ts'

describe('upload sessions', () => {
  it('start, append_v2 and finish assemble the bytes in order', async () => {
    const { dbx } = await connected()
    const { session_id } = (await dbx.filesUploadSessionStart({ contents: bytes('hello ') })).result
    expect(session_id).toBeTruthy()
    const appended = await dbx.filesUploadSessionAppendV2({
      cursor: { session_id, offset: 6 },
      contents: bytes('big '),
    })
    expect(appended.result).toBeNull()
    const { result } = await dbx.filesUploadSessionFinish({
      cursor: { session_id, offset: 10 },
      commit: { path: '/Session.txt', mode: { '.tag': 'add' } },
      contents: bytes('world'),
    })
    expect(result).toMatchObject({
      path_display: '/Session.txt',
      size: 15,
      content_hash: dropboxContentHash(bytes('hello big world')),
    })
    const { fileBinary } = (await dbx.filesDownload({ path: '/session.txt' })).result as unknown as {
      fileBinary: Buffer
    }
    expect(fileBinary.toString()).toBe('hello big world')
    await expectRouteError(
      dbx.filesUploadSessionAppendV2({ cursor: { session_id, offset: 15 }, contents: bytes('x') }),
      'not_found/',
    )
  })

  it('a wrong offset is incorrect_offset with the correct one', async () => {
    const { dbx } = await connected()
    const { session_id } = (await dbx.filesUploadSessionStart({ contents: bytes('abc') })).result
    const error = await expectRouteError(
      dbx.filesUploadSessionAppendV2({ cursor: { session_id, offset: 2 }, contents: bytes('d') }),
      'incorrect_offset/',
    )
    expect(error).toEqual({ '.tag': 'incorrect_offset', correct_offset: 3 })
    const finish = await expectRouteError(
      dbx.filesUploadSessionFinish({
        cursor: { session_id, offset: 9 },
        commit: { path: '/x' },
        contents: bytes(''),
      }),
      'lookup_failed/incorrect_offset/',
    )
    expect(finish).toEqual({
      '.tag': 'lookup_failed',
      lookup_failed: { '.tag': 'incorrect_offset', correct_offset: 3 },
    })
  })

  it('appending to a closed session is refused', async () => {
    const { dbx } = await connected()
    const { session_id } = (await dbx.filesUploadSessionStart({ contents: bytes('abc'), close: true })).result
    await expectRouteError(
      dbx.filesUploadSessionAppendV2({ cursor: { session_id, offset: 3 }, contents: bytes('d') }),
      'closed/',
    )
  })

  it('finish reports write conflicts as path/conflict/file (WriteError form) and keeps the session', async () => {
    const { dbx } = await connected()
    await dbx.filesUpload({ path: '/taken.txt', contents: bytes('old') })
    const { session_id } = (await dbx.filesUploadSessionStart({ contents: bytes('new') })).result
    const finish = () =>
      dbx.filesUploadSessionFinish({
        cursor: { session_id, offset: 3 },
        commit: { path: '/taken.txt' },
        contents: bytes(''),
      })
    const error = await expectRouteError(finish(), 'path/conflict/file/')
    expect(error).toEqual({ '.tag': 'path', path: { '.tag': 'conflict', conflict: { '.tag': 'file' } } })
    await dbx.filesDeleteV2({ path: '/taken.txt' })
    expect((await finish()).result.size).toBe(3)
  })

  it('finish_batch_v2 commits closed sessions with one result per entry, in order', async () => {
    const { dbx } = await connected()
    const start = async (text: string, close: boolean) =>
      (await dbx.filesUploadSessionStart({ contents: bytes(text), close })).result.session_id
    await dbx.filesUpload({ path: '/b/taken', contents: bytes('different') })
    const a = await start('aaa', true)
    const open = await start('bb', false)
    const c = await start('cccc', true)
    const { result } = await dbx.filesUploadSessionFinishBatchV2({
      entries: [
        { cursor: { session_id: a, offset: 3 }, commit: { path: '/b/A.bin' } },
        { cursor: { session_id: open, offset: 2 }, commit: { path: '/b/open.bin' } },
        { cursor: { session_id: c, offset: 4 }, commit: { path: '/b/taken' } },
        { cursor: { session_id: 'pid_upload_session:nope', offset: 0 }, commit: { path: '/b/nope' } },
      ],
    })
    const entries = result.entries as unknown as Array<Record<string, unknown>>
    expect(entries[0]).toMatchObject({ '.tag': 'success', path_display: '/b/A.bin', size: 3 })
    expect(entries[1]).toEqual({
      '.tag': 'failure',
      failure: { '.tag': 'lookup_failed', lookup_failed: { '.tag': 'not_closed' } },
    })
    expect(entries[2]).toEqual({
      '.tag': 'failure',
      failure: { '.tag': 'path', path: { '.tag': 'conflict', conflict: { '.tag': 'file' } } },
    })
    expect(entries[3]).toEqual({
      '.tag': 'failure',
      failure: { '.tag': 'lookup_failed', lookup_failed: { '.tag': 'not_found' } },
    })
  })

  it('finish_batch_v2 takes at most 1000 entries', async () => {
    const { dbx } = await connected()
    const entries = Array.from({ length: 1001 }, (_, i) => ({
      cursor: { session_id: `s${i}`, offset: 0 },
      commit: { path: `/f${i}` },
    }))
    expect((await dropboxError(dbx.filesUploadSessionFinishBatchV2({ entries }))).status).toBe(400)
  })

  it('each call is held to the upload limit', async () => {
    const { dbx } = await connected({ maxUploadBytes: 100 })
    const { session_id } = (await dbx.filesUploadSessionStart({ contents: Buffer.alloc(100) })).result
    await dbx.filesUploadSessionAppendV2({ cursor: { session_id, offset: 100 }, contents: Buffer.alloc(100) })
    await expectRouteError(
      dbx.filesUploadSessionAppendV2({ cursor: { session_id, offset: 200 }, contents: Buffer.alloc(101) }),
      'payload_too_large/',
    )
    const { result } = await dbx.filesUploadSessionFinish({
      cursor: { session_id, offset: 200 },
      commit: { path: '/two-calls.bin' },
      contents: Buffer.alloc(0),
    })
    expect(result.size).toBe(200)
  })
})
