/**
 * files/get_metadata, files/delete_v2, files/delete_batch and files/delete_batch/check,
 * pinned to https://www.dropbox.com/developers/documentation/http/documentation#files-get_metadata
 * and #files-delete_v2, #files-delete_batch, #files-delete_batch-check.
 */
import { describe, expect, it } from 'vitest'
import { bytes, connected, dropboxError, expectRouteError } from './helpers.ts'

describe('files/get_metadata', () => {
  it('returns tagged file metadata, case-insensitively, and by id', async () => {
    const { dbx } = await connected()
    const up = (await dbx.filesUpload({ path: '/Docs/Read Me.md', contents: bytes('# hi') })).result
    const { result } = await dbx.filesGetMetadata({ path: '/DOCS/read me.MD' })
    expect(result).toMatchObject({ '.tag': 'file', path_display: '/Docs/Read Me.md', rev: up.rev, size: 4 })
    expect((await dbx.filesGetMetadata({ path: up.id })).result.path_lower).toBe('/docs/read me.md')
  })

  it('folders implied by files exist, keeping the case first written', async () => {
    const { dbx } = await connected()
    await dbx.filesUpload({ path: '/Pool/Epochs/1/log.ydu', contents: bytes('x') })
    await dbx.filesUpload({ path: '/pool/EPOCHS/1/other.ydu', contents: bytes('y') })
    const folder = (await dbx.filesGetMetadata({ path: '/pool/epochs' })).result
    expect(folder).toMatchObject({ '.tag': 'folder', name: 'Epochs', path_display: '/Pool/Epochs' })
    expect(folder).toHaveProperty('id')
    const other = (await dbx.filesGetMetadata({ path: '/pool/epochs/1/other.ydu' })).result
    expect(other.path_display).toBe('/Pool/Epochs/1/other.ydu')
  })

  it('missing paths are path/not_found; deleted ones show with include_deleted', async () => {
    const { dbx } = await connected()
    await expectRouteError(dbx.filesGetMetadata({ path: '/nothing' }), 'path/not_found/')
    await dbx.filesUpload({ path: '/gone.txt', contents: bytes('x') })
    await dbx.filesDeleteV2({ path: '/gone.txt' })
    await expectRouteError(dbx.filesGetMetadata({ path: '/gone.txt' }), 'path/not_found/')
    const { result } = await dbx.filesGetMetadata({ path: '/gone.txt', include_deleted: true })
    expect(result).toEqual({
      '.tag': 'deleted',
      name: 'gone.txt',
      path_lower: '/gone.txt',
      path_display: '/gone.txt',
    })
  })

  it('the root is unsupported (400)', async () => {
    const { dbx } = await connected()
    const e = await dropboxError(dbx.filesGetMetadata({ path: '' }))
    expect(e.status).toBe(400)
    expect(String(e.error)).toMatch(/^Error in call to API function "files\/get_metadata"/)
  })

  it('an RPC body that is not JSON is a plain-text 400', async () => {
    const { em } = await connected()
    const res = await fetch(`${em.url}/2/files/get_metadata`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${em.issueTokens().accessToken}`,
        'Content-Type': 'application/json',
      },
      body: '{not json',
    })
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toContain('text/plain')
    expect(await res.text()).toContain('could not decode input as JSON')
  })
})

describe('files/delete_v2', () => {
  it('deletes a file and returns its last metadata', async () => {
    const { dbx } = await connected()
    const up = (await dbx.filesUpload({ path: '/a.txt', contents: bytes('x') })).result
    const { result } = await dbx.filesDeleteV2({ path: '/A.txt' })
    expect(result.metadata).toMatchObject({ '.tag': 'file', path_lower: '/a.txt', rev: up.rev })
    await expectRouteError(dbx.filesDownload({ path: '/a.txt' }), 'path/not_found/')
  })

  it('deletes a folder with everything below it', async () => {
    const { dbx } = await connected()
    await dbx.filesUpload({ path: '/dir/sub/a.txt', contents: bytes('x') })
    await dbx.filesUpload({ path: '/dir/b.txt', contents: bytes('y') })
    const { result } = await dbx.filesDeleteV2({ path: '/dir' })
    expect(result.metadata['.tag']).toBe('folder')
    await expectRouteError(dbx.filesGetMetadata({ path: '/dir/sub/a.txt' }), 'path/not_found/')
    expect((await dbx.filesListFolder({ path: '', recursive: true })).result.entries).toEqual([])
  })

  it('a missing path is path_lookup/not_found; a stale parent_rev is refused', async () => {
    const { dbx } = await connected()
    await expectRouteError(dbx.filesDeleteV2({ path: '/nope' }), 'path_lookup/not_found/')
    const first = (await dbx.filesUpload({ path: '/a.txt', contents: bytes('1') })).result
    await dbx.filesUpload({ path: '/a.txt', contents: bytes('2'), mode: { '.tag': 'overwrite' } })
    await expectRouteError(
      dbx.filesDeleteV2({ path: '/a.txt', parent_rev: first.rev }),
      'path_write/conflict/',
    )
  })
})

describe('files/delete_batch', () => {
  it('returns an async job id; check reports one result per entry, in order', async () => {
    const { dbx } = await connected()
    await dbx.filesUpload({ path: '/a.txt', contents: bytes('a') })
    await dbx.filesUpload({ path: '/b.txt', contents: bytes('b') })
    const started = (
      await dbx.filesDeleteBatch({ entries: [{ path: '/a.txt' }, { path: '/missing' }, { path: '/B.TXT' }] })
    ).result as { '.tag': string; async_job_id: string }
    expect(started['.tag']).toBe('async_job_id')
    const { result } = await dbx.filesDeleteBatchCheck({ async_job_id: started.async_job_id })
    expect(result['.tag']).toBe('complete')
    const entries = (result as unknown as { entries: Array<Record<string, unknown>> }).entries
    expect(entries.map((e) => e['.tag'])).toEqual(['success', 'failure', 'success'])
    expect(entries[1]).toEqual({
      '.tag': 'failure',
      failure: { '.tag': 'path_lookup', path_lookup: { '.tag': 'not_found' } },
    })
    expect(entries[2]).toMatchObject({ metadata: { path_display: '/b.txt' } })
    expect((await dbx.filesListFolder({ path: '' })).result.entries).toEqual([])
  })

  it('answers in_progress for the configured number of checks first', async () => {
    const { dbx } = await connected({ asyncJobPolls: 2 })
    await dbx.filesUpload({ path: '/a.txt', contents: bytes('a') })
    const { async_job_id } = (await dbx.filesDeleteBatch({ entries: [{ path: '/a.txt' }] })).result as {
      async_job_id: string
    }
    const tags = []
    for (let i = 0; i < 3; i++) tags.push((await dbx.filesDeleteBatchCheck({ async_job_id })).result['.tag'])
    expect(tags).toEqual(['in_progress', 'in_progress', 'complete'])
  })

  it('an unknown job id is invalid_async_job_id; more than 1000 entries is a 400', async () => {
    const { dbx } = await connected()
    await expectRouteError(dbx.filesDeleteBatchCheck({ async_job_id: 'dbjid:nope' }), 'invalid_async_job_id/')
    const entries = Array.from({ length: 1001 }, (_, i) => ({ path: `/f${i}` }))
    expect((await dropboxError(dbx.filesDeleteBatch({ entries }))).status).toBe(400)
  })
})
