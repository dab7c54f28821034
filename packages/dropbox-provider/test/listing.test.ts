import { CursorResetError, TransientError } from '@y-dropbox/core'
import { describe, expect, it } from 'vitest'
import {
  bytes,
  fail,
  fileMetadata,
  ok,
  routeError,
  ScriptedDropbox,
  testStore,
} from './helpers/scripted-dropbox.ts'

const folder = (path: string) => ({
  '.tag': 'folder',
  name: path.split('/').pop(),
  path_lower: path,
  id: `id:${path}`,
})
const deleted = (path: string) => ({ '.tag': 'deleted', name: path.split('/').pop(), path_lower: path })
const file = (path: string, text = path) => fileMetadata(path, bytes(text))

describe('list', () => {
  it('pages through list_folder/continue and returns only files', async () => {
    const dbx = new ScriptedDropbox()
      .on('files/list_folder', async () =>
        ok({ entries: [folder('/pool'), await file('/pool/a')], cursor: 'c1', has_more: true }),
      )
      .queue(
        'files/list_folder/continue',
        async () =>
          ok({ entries: [folder('/pool/sub'), await file('/pool/sub/b')], cursor: 'c2', has_more: true }),
        async () => ok({ entries: [await file('/pool/c')], cursor: 'c3', has_more: false }),
      )
    const { store } = testStore(dbx, { listPageSize: 2 })
    const listing = await store.list('/Pool/')
    expect(listing.entries.map((e) => e.path)).toEqual(['/pool/a', '/pool/sub/b', '/pool/c'])
    expect(listing.cursor).toMatch(/c3$/)
    expect(dbx.callsTo('files/list_folder')[0]!.arg).toMatchObject({
      path: '/pool',
      recursive: true,
      limit: 2,
    })
    expect(dbx.callsTo('files/list_folder/continue').map((c) => c.arg.cursor)).toEqual(['c1', 'c2'])
  })

  it('lists the root as ""', async () => {
    const dbx = new ScriptedDropbox().on(
      'files/list_folder',
      ok({ entries: [], cursor: 'c', has_more: false }),
    )
    const { store } = testStore(dbx)
    await store.list('/')
    expect(dbx.callsTo('files/list_folder')[0]!.arg.path).toBe('')
  })

  it('never returns a partial listing: a page that keeps failing fails the listing', async () => {
    const dbx = new ScriptedDropbox()
      .on('files/list_folder', async () =>
        ok({ entries: [await file('/p/a')], cursor: 'c1', has_more: true }),
      )
      .on('files/list_folder/continue', fail(503, 'unavailable'))
    const { store } = testStore(dbx, { maxRetryTimeMs: 2_000 })
    await expect(store.list('/p')).rejects.toBeInstanceOf(TransientError)
  })

  it('retries a failing page and goes on', async () => {
    const dbx = new ScriptedDropbox()
      .on('files/list_folder', async () =>
        ok({ entries: [await file('/p/a')], cursor: 'c1', has_more: true }),
      )
      .queue('files/list_folder/continue', fail(500, 'x'), async () =>
        ok({ entries: [await file('/p/b')], cursor: 'c2', has_more: false }),
      )
    const { store } = testStore(dbx)
    expect((await store.list('/p')).entries.map((e) => e.path)).toEqual(['/p/a', '/p/b'])
  })

  it('throws when the cursor does not advance', async () => {
    const dbx = new ScriptedDropbox()
      .on('files/list_folder', ok({ entries: [], cursor: 'stuck', has_more: true }))
      .on('files/list_folder/continue', ok({ entries: [], cursor: 'stuck', has_more: true }))
    const { store } = testStore(dbx)
    await expect(store.list('/p')).rejects.toThrow(/did not advance/)
  })

  it('lists a missing folder as empty with a cursor of the nearest existing ancestor', async () => {
    const dbx = new ScriptedDropbox()
      .on('files/list_folder', routeError(['path', 'not_found']))
      .on('files/list_folder/get_latest_cursor', (call) =>
        call.arg.path === '/pool' ? ok({ cursor: 'pool-cursor' }) : routeError(['path', 'not_found']),
      )
    const { store } = testStore(dbx)
    const listing = await store.list('/pool/epochs/1')
    expect(listing.entries).toEqual([])
    expect(dbx.callsTo('files/list_folder/get_latest_cursor').map((c) => c.arg.path)).toEqual([
      '/pool/epochs',
      '/pool',
    ])
    // A second look after taking the cursor, so nothing created in between is missed.
    expect(dbx.callsTo('files/list_folder')).toHaveLength(2)

    // Continuing reports only what appeared under the listed folder.
    dbx.on('files/list_folder/continue', async (call) => {
      expect(call.arg.cursor).toBe('pool-cursor')
      return ok({
        entries: [
          folder('/pool/epochs'),
          folder('/pool/epochs/1'),
          await file('/pool/epochs/1/log/a'),
          await file('/pool/pool.json'),
          await file('/pool/epochs/10/x'),
        ],
        cursor: 'pool-cursor-2',
        has_more: false,
      })
    })
    const changes = await store.list('/pool/epochs/1', listing.cursor)
    expect(changes.entries.map((e) => e.path)).toEqual(['/pool/epochs/1/log/a'])
  })

  it('uses the folder listing when the folder appears between the two looks', async () => {
    const dbx = new ScriptedDropbox()
      .queue('files/list_folder', routeError(['path', 'not_found']), async () =>
        ok({ entries: [await file('/new/a')], cursor: 'n1', has_more: false }),
      )
      .on('files/list_folder/get_latest_cursor', ok({ cursor: 'root' }))
    const { store } = testStore(dbx)
    const listing = await store.list('/new')
    expect(listing.entries.map((e) => e.path)).toEqual(['/new/a'])
    expect(listing.cursor).toMatch(/n1$/)
  })

  it('reports deletions only in cursor listings, with deleted: true', async () => {
    const dbx = new ScriptedDropbox()
      .on('files/list_folder', ok({ entries: [deleted('/p/old')], cursor: 'c1', has_more: false }))
      .on('files/list_folder/continue', async () =>
        ok({
          entries: [deleted('/p/a'), await file('/p/b'), deleted('/elsewhere')],
          cursor: 'c2',
          has_more: false,
        }),
      )
    const { store } = testStore(dbx)
    const first = await store.list('/p')
    expect(first.entries).toEqual([])
    const changes = await store.list('/p', first.cursor)
    expect(changes.entries).toEqual([
      { path: '/p/a', rev: '', size: 0, contentHash: '', deleted: true },
      expect.objectContaining({ path: '/p/b' }),
    ])
  })

  it('reports the deletion of an ancestor at the listed folder', async () => {
    const dbx = new ScriptedDropbox()
      .on('files/list_folder', ok({ entries: [], cursor: 'c1', has_more: false }))
      .on('files/list_folder/continue', ok({ entries: [deleted('/pool')], cursor: 'c2', has_more: false }))
    const { store } = testStore(dbx)
    const first = await store.list('/pool/epochs/1')
    const changes = await store.list('/pool/epochs/1', first.cursor)
    expect(changes.entries).toEqual([
      { path: '/pool/epochs/1', rev: '', size: 0, contentHash: '', deleted: true },
    ])
  })

  it('maps reset to CursorResetError, and refuses cursors of other folders or stores', async () => {
    const dbx = new ScriptedDropbox()
      .on('files/list_folder', ok({ entries: [], cursor: 'c1', has_more: false }))
      .on('files/list_folder/continue', routeError(['reset']))
    const { store } = testStore(dbx)
    const { cursor } = await store.list('/p')
    await expect(store.list('/p', cursor)).rejects.toBeInstanceOf(CursorResetError)
    await expect(store.list('/q', cursor)).rejects.toBeInstanceOf(CursorResetError)
    await expect(store.list('/p', 'mem1:x:1:/p')).rejects.toBeInstanceOf(CursorResetError)
  })
})

describe('watch', () => {
  it('long-polls the notify host without Authorization and honours backoff on the next watch', async () => {
    const dbx = new ScriptedDropbox()
      .on('files/list_folder', ok({ entries: [], cursor: 'c1', has_more: false }))
      .queue('files/list_folder/longpoll', ok({ changes: false, backoff: 30 }), ok({ changes: true }))
    const { store, clock } = testStore(dbx, { longpollTimeoutS: 500 })
    const { cursor } = await store.list('/p')
    const signal = new AbortController().signal
    expect(await store.watch!(cursor, signal)).toBe(false)
    const poll = dbx.callsTo('files/list_folder/longpoll')[0]!
    expect(poll.host).toBe('notify.dropboxapi.com')
    expect(poll.headers.get('authorization')).toBeNull()
    expect(poll.arg).toEqual({ cursor: 'c1', timeout: 200 })
    const before = clock.slept.length
    expect(await store.watch!(cursor, signal)).toBe(true)
    expect(clock.slept.slice(before)).toEqual([30_000])
  })

  it('rejects with the abort reason when aborted', async () => {
    const dbx = new ScriptedDropbox()
      .on('files/list_folder', ok({ entries: [], cursor: 'c1', has_more: false }))
      .on('files/list_folder/longpoll', () => new Promise<Response>(() => {}))
    const { store } = testStore(dbx)
    const { cursor } = await store.list('/p')
    const controller = new AbortController()
    const watching = store.watch!(cursor, controller.signal)
    setTimeout(() => controller.abort(), 5)
    await expect(watching).rejects.toMatchObject({ name: 'AbortError' })
    const aborted = new AbortController()
    aborted.abort()
    await expect(store.watch!(cursor, aborted.signal)).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('maps reset to CursorResetError', async () => {
    const dbx = new ScriptedDropbox()
      .on('files/list_folder', ok({ entries: [], cursor: 'c1', has_more: false }))
      .on('files/list_folder/longpoll', routeError(['reset']))
    const { store } = testStore(dbx)
    const { cursor } = await store.list('/p')
    await expect(store.watch!(cursor, new AbortController().signal)).rejects.toBeInstanceOf(CursorResetError)
  })
})
