import { ConflictError, contentHash, QuotaError } from '@y-dropbox/core'
import { describe, expect, it } from 'vitest'
import {
  bytes,
  type Call,
  dropped,
  fileMetadata,
  ok,
  routeError,
  ScriptedDropbox,
  tagged,
  testStore,
} from './helpers/scripted-dropbox.ts'

/** Upload sessions keep their bytes so the batch commit can answer with real metadata. */
function withSessions(dbx: ScriptedDropbox) {
  const sessions = new Map<string, Uint8Array>()
  dbx.on('files/upload_session/start', (call: Call) => {
    const id = `s${sessions.size + 1}`
    sessions.set(id, call.body)
    return ok({ session_id: id })
  })
  return sessions
}

type Entry = {
  cursor: { session_id: string; offset: number }
  commit: { path: string }
  content_hash: string
}

async function successFor(sessions: Map<string, Uint8Array>, entry: Entry) {
  return {
    ...(await fileMetadata(entry.commit.path, sessions.get(entry.cursor.session_id)!)),
    '.tag': 'success',
  }
}

describe('putMany', () => {
  it('uploads one session per file and commits them in one finish_batch_v2', async () => {
    const dbx = new ScriptedDropbox()
    const sessions = withSessions(dbx)
    dbx.on('files/upload_session/finish_batch_v2', async (call) => {
      const entries = call.arg.entries as Entry[]
      return ok({ entries: await Promise.all(entries.map((e) => successFor(sessions, e))) })
    })
    const { store } = testStore(dbx, { uploadConcurrency: 3 })
    const files = Array.from({ length: 12 }, (_, i) => ({
      path: `/s/Shard-${i}.yds`,
      data: bytes(`shard ${i}`),
      mode: 'add' as const,
    }))
    const metas = await store.putMany(files)
    expect(metas.map((m) => m.path)).toEqual(files.map((f) => f.path.toLowerCase()))
    expect(dbx.callsTo('files/upload_session/start')).toHaveLength(12)
    expect(dbx.maxInFlight.get('files/upload_session/start')).toBeLessThanOrEqual(3)
    const commits = dbx.callsTo('files/upload_session/finish_batch_v2')
    expect(commits).toHaveLength(1)
    const first = (commits[0]!.arg.entries as Entry[])[0]!
    expect(first).toMatchObject({
      cursor: { offset: 7 },
      commit: { path: '/s/shard-0.yds', mode: { '.tag': 'add' }, autorename: false },
      content_hash: await contentHash(bytes('shard 0')),
    })
    expect(dbx.callsTo('files/upload_session/start')[0]!.arg).toMatchObject({ close: true })
  })

  it('splits more than 1,000 files into several commits', async () => {
    const dbx = new ScriptedDropbox()
    const sessions = withSessions(dbx)
    dbx.on('files/upload_session/finish_batch_v2', async (call) =>
      ok({ entries: await Promise.all((call.arg.entries as Entry[]).map((e) => successFor(sessions, e))) }),
    )
    const { store } = testStore(dbx, { uploadConcurrency: 16 })
    const files = Array.from({ length: 1001 }, (_, i) => ({
      path: `/m/${i}`,
      data: bytes(String(i)),
      mode: 'overwrite' as const,
    }))
    await store.putMany(files)
    expect(
      dbx.callsTo('files/upload_session/finish_batch_v2').map((c) => (c.arg.entries as Entry[]).length),
    ).toEqual([1000, 1])
  })

  it('re-sends entries refused for write contention, keeping the others', async () => {
    const dbx = new ScriptedDropbox()
    const sessions = withSessions(dbx)
    let round = 0
    dbx.on('files/upload_session/finish_batch_v2', async (call) => {
      round++
      const entries = call.arg.entries as Entry[]
      return ok({
        entries: await Promise.all(
          entries.map((e, k) =>
            round === 1 && k === 1
              ? { '.tag': 'failure', failure: tagged(['too_many_write_operations']) }
              : successFor(sessions, e),
          ),
        ),
      })
    })
    const { store, clock } = testStore(dbx)
    const metas = await store.putMany([
      { path: '/a', data: bytes('a'), mode: 'add' },
      { path: '/b', data: bytes('b'), mode: 'add' },
    ])
    expect(metas.map((m) => m.path)).toEqual(['/a', '/b'])
    expect(
      (dbx.callsTo('files/upload_session/finish_batch_v2')[1]!.arg.entries as Entry[]).map(
        (e) => e.commit.path,
      ),
    ).toEqual(['/b'])
    expect(clock.slept).toHaveLength(1)
  })

  it('a commit whose response was lost is recognised by the bytes at the paths', async () => {
    const dbx = new ScriptedDropbox()
    const sessions = withSessions(dbx)
    const stored = new Map<string, Uint8Array>()
    dbx.queue('files/upload_session/finish_batch_v2', async (call) => {
      for (const e of call.arg.entries as Entry[])
        stored.set(e.commit.path, sessions.get(e.cursor.session_id)!)
      return dropped()
    })
    dbx.on('files/upload_session/finish_batch_v2', (call) =>
      ok({
        entries: (call.arg.entries as Entry[]).map(() => ({
          '.tag': 'failure',
          failure: tagged(['lookup_failed', 'closed']),
        })),
      }),
    )
    dbx.on('files/get_metadata', async (call) =>
      ok(await fileMetadata(String(call.arg.path), stored.get(String(call.arg.path))!)),
    )
    const { store } = testStore(dbx)
    const metas = await store.putMany([
      { path: '/x', data: bytes('x'), mode: { update: 'r0' } },
      { path: '/y', data: bytes('y'), mode: 'add' },
    ])
    expect(metas.map((m) => m.path)).toEqual(['/x', '/y'])
    expect(dbx.callsTo('files/upload_session/finish_batch_v2')).toHaveLength(2)
  })

  it('commits the other files and throws ConflictError for a file that differs', async () => {
    const dbx = new ScriptedDropbox()
    const sessions = withSessions(dbx)
    dbx.on('files/upload_session/finish_batch_v2', async (call) =>
      ok({
        entries: await Promise.all(
          (call.arg.entries as Entry[]).map((e) =>
            e.commit.path === '/taken'
              ? { '.tag': 'failure', failure: tagged(['path', 'conflict', 'file']) }
              : successFor(sessions, e),
          ),
        ),
      }),
    )
    dbx.on('files/get_metadata', async () => ok(await fileMetadata('/taken', bytes('someone else'))))
    const { store } = testStore(dbx)
    const error = await store
      .putMany([
        { path: '/free', data: bytes('1'), mode: 'add' },
        { path: '/taken', data: bytes('2'), mode: 'add' },
      ])
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConflictError)
    expect((error as ConflictError).path).toBe('/taken')
  })

  it('maps insufficient space in a batch entry to QuotaError', async () => {
    const dbx = new ScriptedDropbox()
    withSessions(dbx)
    dbx.on('files/upload_session/finish_batch_v2', (call) =>
      ok({
        entries: (call.arg.entries as Entry[]).map(() => ({
          '.tag': 'failure',
          failure: tagged(['path', 'insufficient_space']),
        })),
      }),
    )
    const { store } = testStore(dbx)
    await expect(store.putMany([{ path: '/a', data: bytes('a'), mode: 'add' }])).rejects.toBeInstanceOf(
      QuotaError,
    )
  })

  it('refuses a path given twice', async () => {
    const { store } = testStore(new ScriptedDropbox())
    await expect(
      store.putMany([
        { path: '/A', data: bytes('1'), mode: 'add' },
        { path: '/a', data: bytes('2'), mode: 'add' },
      ]),
    ).rejects.toThrow(/twice/)
  })
})

describe('delete', () => {
  it('deletes one path with delete_v2 and ignores not_found', async () => {
    const dbx = new ScriptedDropbox().on('files/delete_v2', routeError(['path_lookup', 'not_found']))
    const { store } = testStore(dbx)
    await store.delete(['/gone'])
    expect(dbx.callsTo('files/delete_v2')[0]!.arg).toEqual({ path: '/gone' })
  })

  it('deletes many with delete_batch, polls the job, and checks every entry', async () => {
    const dbx = new ScriptedDropbox()
      .on('files/delete_batch', ok({ '.tag': 'async_job_id', async_job_id: 'job1' }))
      .queue('files/delete_batch/check', ok({ '.tag': 'in_progress' }), (call) => {
        expect(call.arg).toEqual({ async_job_id: 'job1' })
        return ok({
          '.tag': 'complete',
          entries: [
            { '.tag': 'success', metadata: { '.tag': 'file', path_lower: '/a' } },
            { '.tag': 'failure', failure: tagged(['path_lookup', 'not_found']) },
          ],
        })
      })
    const { store, clock } = testStore(dbx, { batchPollIntervalMs: 250 })
    await store.delete(['/a', '/b', '/A'])
    expect(dbx.callsTo('files/delete_batch')[0]!.arg).toEqual({ entries: [{ path: '/a' }, { path: '/b' }] })
    expect(clock.slept).toEqual([50, 100])
  })

  it('retries entries refused for write contention and reports other refusals', async () => {
    const dbx = new ScriptedDropbox()
      .queue(
        'files/delete_batch',
        ok({
          '.tag': 'complete',
          entries: [
            { '.tag': 'success', metadata: {} },
            { '.tag': 'failure', failure: tagged(['too_many_write_operations']) },
          ],
        }),
        ok({ '.tag': 'complete', entries: [{ '.tag': 'success', metadata: {} }] }),
      )
      .queue(
        'files/delete_batch',
        ok({
          '.tag': 'complete',
          entries: [
            { '.tag': 'success', metadata: {} },
            { '.tag': 'failure', failure: tagged(['path_write', 'disallowed_name']) },
          ],
        }),
      )
    const { store } = testStore(dbx)
    await store.delete(['/a', '/b'])
    expect(dbx.callsTo('files/delete_batch')[1]!.arg).toEqual({ entries: [{ path: '/b' }] })
    await expect(store.delete(['/c', '/d'])).rejects.toThrow(
      /refused to delete \/d: path_write\/disallowed_name/,
    )
  })
})
