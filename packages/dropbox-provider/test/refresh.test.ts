import { AuthError, TransientError } from '@y-dropbox/core'
import { DropboxAuth } from 'dropbox'
import { describe, expect, it } from 'vitest'
import { tokenRefresherFor } from '../src/auth/token-refresher.ts'
import {
  bytes,
  downloaded,
  dropped,
  fail,
  fileMetadata,
  ScriptedDropbox,
  TEST_SECRETS,
  testAuth,
  testStore,
  tokenGranted,
  unauthorized,
} from './helpers/scripted-dropbox.ts'

/** Answers downloads: 401 expired for the old token, the file for the new one. */
async function expiringDownloads(dbx: ScriptedDropbox, newToken: string) {
  const data = bytes('content')
  const meta = await fileMetadata('/f', data)
  dbx.on('files/download', (call) =>
    call.headers.get('authorization') === `Bearer ${newToken}` ? downloaded(meta, data) : unauthorized(),
  )
}

describe('token refresh', () => {
  it('refreshes exactly once for 10 concurrent calls hitting an expired token', async () => {
    const dbx = new ScriptedDropbox().on('oauth2/token', tokenGranted('sl.NEW'))
    await expiringDownloads(dbx, 'sl.NEW')
    const { store } = testStore(dbx, { downloadConcurrency: 10 })
    const results = await Promise.all(Array.from({ length: 10 }, () => store.get('/f')))
    expect(results.every((r) => r?.meta.path === '/f')).toBe(true)
    expect(dbx.callsTo('oauth2/token')).toHaveLength(1)
    expect(
      dbx.callsTo('files/download').filter((c) => c.headers.get('authorization') === 'Bearer sl.NEW'),
    ).toHaveLength(10)
    expect(store.auth.getAccessToken()).toBe('sl.NEW')
  })

  it('does not refresh again for a 401 from a request sent before the last refresh', async () => {
    const dbx = new ScriptedDropbox().on('oauth2/token', tokenGranted('sl.NEW'))
    await expiringDownloads(dbx, 'sl.NEW')
    // Low concurrency: later calls start after the refresh and must not refresh again.
    const { store } = testStore(dbx, { downloadConcurrency: 3 })
    await Promise.all(Array.from({ length: 10 }, () => store.get('/f')))
    expect(dbx.callsTo('oauth2/token')).toHaveLength(1)
  })

  it('shares one refresh when the SDK itself refreshes a token near expiry', async () => {
    const dbx = new ScriptedDropbox().on('oauth2/token', tokenGranted('sl.NEW'))
    await expiringDownloads(dbx, 'sl.NEW')
    const clockAuth = testAuth(dbx, 60_000) // inside the SDK's 5-minute renewal window
    const { store } = testStore(dbx, { auth: clockAuth, downloadConcurrency: 10 })
    await Promise.all(Array.from({ length: 10 }, () => store.get('/f')))
    expect(dbx.callsTo('oauth2/token')).toHaveLength(1)
  })

  it('maps invalid_grant on refresh to AuthError asking to link again, without tokens in it', async () => {
    const dbx = new ScriptedDropbox()
      .on(
        'oauth2/token',
        fail(400, { error: 'invalid_grant', error_description: 'refresh token is revoked' }),
      )
      .on('files/download', unauthorized())
    const { store } = testStore(dbx)
    const error = await store.get('/f').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect((error as Error).message).toBe('Dropbox access was revoked or expired; link Dropbox again')
    const text = `${(error as Error).message} ${(error as Error).stack} ${String((error as Error).cause)}`
    for (const secret of Object.values(TEST_SECRETS)) expect(text).not.toContain(secret)
  })

  it('maps a 401 invalid_access_token to AuthError without refreshing', async () => {
    const dbx = new ScriptedDropbox().on('files/download', unauthorized('invalid_access_token'))
    const { store } = testStore(dbx)
    await expect(store.get('/f')).rejects.toBeInstanceOf(AuthError)
    expect(dbx.callsTo('oauth2/token')).toHaveLength(0)
  })

  it('stops after a refreshed token is refused as expired again', async () => {
    const dbx = new ScriptedDropbox()
      .on('oauth2/token', tokenGranted('sl.NEW'))
      .on('files/download', unauthorized())
    const { store } = testStore(dbx)
    await expect(store.get('/f')).rejects.toBeInstanceOf(AuthError)
    expect(dbx.callsTo('oauth2/token').length).toBeLessThanOrEqual(2)
  })

  it('retries a refresh that failed on the network, then succeeds', async () => {
    const dbx = new ScriptedDropbox().queue('oauth2/token', dropped(), tokenGranted('sl.NEW'))
    await expiringDownloads(dbx, 'sl.NEW')
    const { store } = testStore(dbx)
    await expect(store.get('/f')).resolves.toMatchObject({ meta: { path: '/f' } })
    expect(dbx.callsTo('oauth2/token')).toHaveLength(2)
  })

  it('reports a refresh that keeps failing on the network as TransientError', async () => {
    const dbx = new ScriptedDropbox().on('oauth2/token', dropped()).on('files/download', unauthorized())
    const { store } = testStore(dbx, { maxRetryTimeMs: 3_000 })
    await expect(store.get('/f')).rejects.toBeInstanceOf(TransientError)
  })

  it('without a refresh token, an expired access token is an AuthError', async () => {
    const dbx = new ScriptedDropbox().on('files/download', unauthorized())
    const auth = new DropboxAuth({
      clientId: 'test-app',
      accessToken: TEST_SECRETS.accessToken,
      accessTokenExpiresAt: new Date(Date.now() + 3_600_000),
      fetch: dbx.fetch,
    })
    const { store } = testStore(dbx, { auth })
    await expect(store.get('/f')).rejects.toThrow(/link Dropbox again/)
  })

  it('tells refresh listeners the new tokens and survives a failing listener', async () => {
    const dbx = new ScriptedDropbox().on('oauth2/token', tokenGranted('sl.NEW', 100))
    const auth = testAuth(dbx)
    const refresher = tokenRefresherFor(auth)
    expect(tokenRefresherFor(auth)).toBe(refresher)
    const seen: unknown[] = []
    const errors: unknown[] = []
    refresher.onRefresh((tokens) => {
      seen.push(tokens)
    })
    refresher.onRefresh(() => {
      throw new Error('disk full')
    })
    refresher.onListenerError = (error) => errors.push(error)
    await refresher.refresh()
    expect(seen).toEqual([
      {
        accessToken: 'sl.NEW',
        refreshToken: TEST_SECRETS.refreshToken,
        accessTokenExpiresAt: expect.any(Number),
      },
    ])
    expect(errors).toHaveLength(1)
    expect(refresher.generation).toBe(1)
    expect(refresher.count).toBe(1)
  })
})
