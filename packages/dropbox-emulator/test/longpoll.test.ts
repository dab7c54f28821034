/**
 * files/list_folder/longpoll, pinned to
 * https://www.dropbox.com/developers/documentation/http/documentation#files-list_folder-longpoll:
 * notify host, no Authorization header, timeout 30..480 s, `{changes, backoff?}`.
 */
import { describe, expect, it } from 'vitest'
import type { Emulator } from '../src/index.ts'
import { bytes, connected, dropboxError, expectRouteError, post } from './helpers.ts'

describe('files/list_folder/longpoll', () => {
  it('answers changes:true at once when something changed since the cursor', async () => {
    const { dbx } = await connected()
    const { cursor } = (await dbx.filesListFolder({ path: '' })).result
    await dbx.filesUpload({ path: '/a.txt', contents: bytes('a') })
    expect((await dbx.filesListFolderLongpoll({ cursor, timeout: 30 })).result).toEqual({ changes: true })
  })

  it('waits, then wakes as soon as something under the cursor path changes', async () => {
    const { em, dbx } = await connected()
    await dbx.filesUpload({ path: '/watched/a.txt', contents: bytes('a') })
    const { cursor } = (await dbx.filesListFolder({ path: '/watched', recursive: true })).result
    const poll = dbx.filesListFolderLongpoll({ cursor, timeout: 480 })
    await waitingLongpolls(em, 1)
    await dbx.filesUpload({ path: '/unwatched.txt', contents: bytes('u') })
    await dbx.filesUpload({ path: '/watched/deep/b.txt', contents: bytes('b') })
    expect((await poll).result.changes).toBe(true)
  })

  it('answers changes:false when nothing changed before the timeout', async () => {
    const { dbx } = await connected({ maxLongpollMs: 50 })
    const { cursor } = (await dbx.filesListFolder({ path: '' })).result
    expect((await dbx.filesListFolderLongpoll({ cursor, timeout: 30 })).result).toEqual({ changes: false })
  })

  it('a change outside the cursor folder does not wake it', async () => {
    const { dbx } = await connected({ maxLongpollMs: 100 })
    await dbx.filesUpload({ path: '/mine/a.txt', contents: bytes('a') })
    const { cursor } = (await dbx.filesListFolder({ path: '/mine' })).result
    const poll = dbx.filesListFolderLongpoll({ cursor, timeout: 30 })
    await dbx.filesUpload({ path: '/other/b.txt', contents: bytes('b') })
    expect((await poll).result.changes).toBe(false)
  })

  it('includes backoff when configured', async () => {
    const { dbx } = await connected({ maxLongpollMs: 10, longpollBackoffSeconds: 5 })
    const { cursor } = (await dbx.filesListFolder({ path: '' })).result
    expect((await dbx.filesListFolderLongpoll({ cursor, timeout: 30 })).result).toEqual({
      changes: false,
      backoff: 5,
    })
  })

  it('timeout outside 30..480 is a 400', async () => {
    const { dbx } = await connected()
    const { cursor } = (await dbx.filesListFolder({ path: '' })).result
    expect((await dropboxError(dbx.filesListFolderLongpoll({ cursor, timeout: 29 }))).status).toBe(400)
    expect((await dropboxError(dbx.filesListFolderLongpoll({ cursor, timeout: 481 }))).status).toBe(400)
  })

  it('is called without Authorization; sending one is a 400', async () => {
    const { em, dbx } = await connected({ maxLongpollMs: 10 })
    const { cursor } = (await dbx.filesListFolder({ path: '' })).result
    const body = JSON.stringify({ cursor, timeout: 30 })
    const json = { 'Content-Type': 'application/json' }
    const plain = await post(em, '/2/files/list_folder/longpoll', { headers: json, body })
    expect(plain.status).toBe(200)
    const withAuth = await post(em, '/2/files/list_folder/longpoll', {
      headers: { ...json, Authorization: `Bearer ${em.issueTokens().accessToken}` },
      body,
    })
    expect(withAuth.status).toBe(400)
    expect(await withAuth.text()).toContain('Authorization')
  })

  it('an invalid cursor is 409 reset', async () => {
    const { dbx } = await connected()
    await expectRouteError(
      dbx.filesListFolderLongpoll({ cursor: 'not-a-cursor-at-all-xxxxxxxxxx' }),
      'reset/',
    )
  })

  it('ends promptly with changes:false when the emulator closes', async () => {
    const { em, dbx } = await connected()
    const { cursor } = (await dbx.filesListFolder({ path: '' })).result
    const poll = dbx.filesListFolderLongpoll({ cursor, timeout: 480 })
    await waitingLongpolls(em, 1)
    await em.close()
    expect((await poll).result.changes).toBe(false)
  })
})

/** Resolves once `n` long-polls are waiting in the emulator. */
async function waitingLongpolls(em: Emulator, n: number): Promise<void> {
  while ((em.stats().routes['files/list_folder/longpoll']?.inFlight ?? 0) < n) {
    await new Promise((r) => setTimeout(r, 2))
  }
}
