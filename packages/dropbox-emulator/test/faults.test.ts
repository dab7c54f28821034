/**
 * Fault rules: each kind answers the way Dropbox fails (see the "Error handling" section of
 * https://www.dropbox.com/developers/documentation/http/documentation: 429 with Retry-After and
 * a `too_many_requests` / `too_many_write_operations` reason, 409 route errors, 5xx), driven by
 * a seeded generator.
 */
import { Dropbox } from 'dropbox'
import { describe, expect, it } from 'vitest'
import { type Emulator, emulatorFetch, type FaultRule } from '../src/index.ts'
import { bytes, connected, dropboxError, emulator, expectRouteError } from './helpers.ts'

function client(em: Emulator, name?: string): Dropbox {
  const fetch = emulatorFetch(em.url, undefined, name === undefined ? {} : { client: name })
  return new Dropbox({ accessToken: em.issueTokens().accessToken, fetch })
}

describe('fault kinds', () => {
  it('rate-limit: 429, Retry-After and reason too_many_requests, for the next N requests only', async () => {
    const { em, dbx } = await connected()
    em.faults.add({ id: 'rl', route: 'files/upload', fault: 'rate-limit', retryAfterSeconds: 7, nextN: 1 })
    const e = await dropboxError(dbx.filesUpload({ path: '/a', contents: bytes('a') }))
    expect(e.status).toBe(429)
    expect((e.headers as unknown as Headers).get('retry-after')).toBe('7')
    expect(e.error).toEqual({
      error_summary: 'too_many_requests/..',
      error: { reason: { '.tag': 'too_many_requests' }, retry_after: 7 },
    })
    await dbx.filesUpload({ path: '/a', contents: bytes('a') })
    expect(em.faults.list()).toEqual([expect.objectContaining({ id: 'rl', hits: 1, remaining: 0 })])
  })

  it('write-lock: 429 with reason too_many_write_operations', async () => {
    const { em, dbx } = await connected()
    em.faults.add({ route: 'files/upload', fault: 'write-lock' })
    const e = await dropboxError(dbx.filesUpload({ path: '/a', contents: bytes('a') }))
    expect(e.status).toBe(429)
    expect(e.error).toMatchObject({ error: { reason: { '.tag': 'too_many_write_operations' } } })
  })

  it('write-lock-409: the route error form, path/too_many_write_operations for uploads', async () => {
    const { em, dbx } = await connected()
    await dbx.filesUpload({ path: '/a', contents: bytes('a') })
    em.faults.add({ fault: 'write-lock-409' })
    await expectRouteError(
      dbx.filesUpload({ path: '/b', contents: bytes('b') }),
      'path/too_many_write_operations/',
    )
    await expectRouteError(dbx.filesDeleteV2({ path: '/a' }), 'too_many_write_operations/')
  })

  it('server-error: 500 by default, 503 on request', async () => {
    const { em, dbx } = await connected()
    em.faults.add({ route: 'files/list_folder', fault: 'server-error', nextN: 1 })
    em.faults.add({ route: 'files/list_folder', fault: 'server-error', status: 503, nextN: 1 })
    expect((await dropboxError(dbx.filesListFolder({ path: '' }))).status).toBe(500)
    expect((await dropboxError(dbx.filesListFolder({ path: '' }))).status).toBe(503)
    await dbx.filesListFolder({ path: '' })
  })

  it('insufficient-space: 409 path/insufficient_space', async () => {
    const { em, dbx } = await connected()
    em.faults.add({ route: 'files/upload', fault: 'insufficient-space' })
    await expectRouteError(dbx.filesUpload({ path: '/a', contents: bytes('a') }), 'path/insufficient_space/')
  })

  it('expired-token: 401 expired_access_token', async () => {
    const { em, dbx } = await connected()
    em.faults.add({ route: '*', fault: 'expired-token', nextN: 1 })
    const e = await dropboxError(dbx.usersGetCurrentAccount())
    expect(e.status).toBe(401)
    expect(e.error).toMatchObject({ error: { '.tag': 'expired_access_token' } })
  })

  it('latency: the request is delayed, then handled normally', async () => {
    const { em, dbx } = await connected()
    em.faults.add({ route: 'files/upload', fault: 'latency', latencyMs: 20 })
    expect((await dbx.filesUpload({ path: '/slow', contents: bytes('s') })).result.size).toBe(1)
    expect(em.stats().routes['files/upload']?.faults).toBe(1)
  })

  it('drop: the connection is destroyed without a response', async () => {
    const { em, dbx } = await connected()
    em.faults.add({ route: 'files/upload', fault: 'drop', nextN: 1 })
    await expect(dbx.filesUpload({ path: '/a', contents: bytes('a') })).rejects.toThrow(TypeError)
    expect(em.stats().routes['files/upload']?.statuses.dropped).toBe(1)
    await dbx.filesUpload({ path: '/a', contents: bytes('a') })
    expect(em.files().map((f) => f.path)).toEqual(['/a'])
  })

  it('offline with a client: one simulated device loses every request, others do not', async () => {
    const em = await emulator()
    em.faults.add({ client: 'phone', fault: 'offline', probability: 0 })
    const phone = client(em, 'phone')
    const laptop = client(em, 'laptop')
    for (let i = 0; i < 3; i++) await expect(phone.filesListFolder({ path: '' })).rejects.toThrow(TypeError)
    await expect(laptop.filesListFolder({ path: '' })).resolves.toBeTruthy()
  })
})

describe('fault rules', () => {
  it('a RegExp route matches by route name', async () => {
    const { em, dbx } = await connected()
    em.faults.add({ route: /^files\/list_folder/, fault: 'server-error' })
    expect((await dropboxError(dbx.filesListFolderGetLatestCursor({ path: '' }))).status).toBe(500)
    expect((await dropboxError(dbx.filesListFolder({ path: '' }))).status).toBe(500)
    await dbx.filesUpload({ path: '/a', contents: bytes('a') })
  })

  it('probability draws from the seed: same seed, same outcomes', async () => {
    const outcomes = async (seed: number) => {
      const em = await emulator({ seed })
      em.faults.add({ route: 'users/get_current_account', fault: 'server-error', probability: 0.5 })
      const dbx = client(em)
      const seen: boolean[] = []
      for (let i = 0; i < 24; i++)
        seen.push(
          await dbx.usersGetCurrentAccount().then(
            () => true,
            () => false,
          ),
        )
      return seen
    }
    const a = await outcomes(42)
    expect(await outcomes(42)).toEqual(a)
    expect(a.filter(Boolean).length).toBeGreaterThan(0)
    expect(a.filter((x) => !x).length).toBeGreaterThan(0)
    expect(await outcomes(7)).not.toEqual(a)
  })

  it('remove, clear and validation', async () => {
    const em = await emulator()
    const id = em.faults.add({ fault: 'drop' })
    em.faults.add({ id: 'named', fault: 'rate-limit' })
    expect(em.faults.list().map((r) => r.id)).toEqual([id, 'named'])
    expect(em.faults.remove(id)).toBe(true)
    expect(em.faults.remove(id)).toBe(false)
    em.faults.clear()
    expect(em.faults.list()).toEqual([])
    expect(() => em.faults.add({ fault: 'explode' } as unknown as FaultRule)).toThrow(TypeError)
    expect(() => em.faults.add({ fault: 'drop', probability: 2 })).toThrow(/probability/)
    expect(() => em.faults.add({ fault: 'drop', nextN: 0 })).toThrow(/nextN/)
  })
})
