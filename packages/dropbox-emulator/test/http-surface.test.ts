/**
 * The HTTP surface around the API: one port for every Dropbox host, CORS for browsers, the
 * admin endpoints, and request counters.
 */
import { Dropbox, DropboxAuth } from 'dropbox'
import { describe, expect, it } from 'vitest'
import { emulatorFetch, rewriteDropboxUrl } from '../src/index.ts'
import { bytes, connected, emulator } from './helpers.ts'

describe('rewriteDropboxUrl and emulatorFetch', () => {
  it('maps every Dropbox host to the emulator and leaves other URLs alone', () => {
    const base = 'http://127.0.0.1:8787/'
    expect(rewriteDropboxUrl('https://api.dropboxapi.com/2/files/list_folder', base)).toBe(
      'http://127.0.0.1:8787/2/files/list_folder',
    )
    expect(rewriteDropboxUrl('https://content.dropboxapi.com/2/files/upload', base)).toBe(
      'http://127.0.0.1:8787/2/files/upload',
    )
    expect(rewriteDropboxUrl('https://notify.dropboxapi.com/2/files/list_folder/longpoll', base)).toBe(
      'http://127.0.0.1:8787/2/files/list_folder/longpoll',
    )
    expect(rewriteDropboxUrl('https://www.dropbox.com/oauth2/authorize?x=1', base)).toBe(
      'http://127.0.0.1:8787/oauth2/authorize?x=1',
    )
    expect(rewriteDropboxUrl('https://dropbox.com/oauth2/authorize?x=1', base)).toBe(
      'http://127.0.0.1:8787/oauth2/authorize?x=1',
    )
    expect(rewriteDropboxUrl('https://api.dropboxapi.com.evil.example/2/x', base)).toBe(
      'https://api.dropboxapi.com.evil.example/2/x',
    )
    expect(rewriteDropboxUrl('https://example.com/a', base)).toBe('https://example.com/a')
  })

  it('passes the rewritten URL and init to the base fetch, adding X-Emulator-Client when asked', async () => {
    const calls: Array<[string, Headers]> = []
    const base = (async (input: RequestInfo | URL, init?: RequestInit) => {
      calls.push([String(input instanceof Request ? input.url : input), new Headers(init?.headers)])
      return new Response('ok')
    }) as typeof fetch
    await emulatorFetch('http://e', base)('https://api.dropboxapi.com/2/a', { headers: { A: '1' } })
    await emulatorFetch('http://e', base, { client: 'phone' })(new URL('https://content.dropboxapi.com/2/b'))
    expect(calls[0]?.[0]).toBe('http://e/2/a')
    expect(calls[0]?.[1].get('a')).toBe('1')
    expect(calls[0]?.[1].has('x-emulator-client')).toBe(false)
    expect(calls[1]?.[0]).toBe('http://e/2/b')
    expect(calls[1]?.[1].get('x-emulator-client')).toBe('phone')
  })
})

describe('CORS', () => {
  it('answers preflights with the Dropbox headers listed explicitly', async () => {
    const em = await emulator()
    const res = await fetch(`${em.url}/2/files/upload`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:5173',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,dropbox-api-arg,content-type',
      },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    const allowed = (res.headers.get('access-control-allow-headers') ?? '').split(/,\s*/)
    for (const h of [
      'Authorization',
      'Content-Type',
      'Dropbox-API-Arg',
      'Dropbox-API-Path-Root',
      'Dropbox-API-Select-User',
      'X-Emulator-Client',
    ]) {
      expect(allowed).toContain(h)
    }
    expect(res.headers.get('access-control-allow-methods')).toContain('POST')
  })

  it('every response allows any origin and exposes Dropbox-API-Result, errors included', async () => {
    const { em, dbx } = await connected()
    await dbx.filesUpload({ path: '/a', contents: bytes('a') })
    const ok = await fetch(`${em.url}/2/files/download`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${em.issueTokens().accessToken}`,
        'Dropbox-API-Arg': '{"path":"/a"}',
      },
    })
    const missing = await fetch(`${em.url}/2/files/get_metadata`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${em.issueTokens().accessToken}`,
        'Content-Type': 'application/json',
      },
      body: '{"path":"/zzz"}',
    })
    expect(missing.status).toBe(409)
    for (const res of [ok, missing]) {
      expect(res.headers.get('access-control-allow-origin')).toBe('*')
      expect(res.headers.get('access-control-expose-headers')).toBe('Dropbox-API-Result')
    }
  })

  it('unknown routes are 404', async () => {
    const em = await emulator()
    const res = await fetch(`${em.url}/2/files/copy_v2`, { method: 'POST' })
    expect(res.status).toBe(404)
    expect(await res.text()).toContain('files/copy_v2')
  })
})

describe('admin endpoints', () => {
  it('are 404 unless admin is enabled', async () => {
    const em = await emulator()
    for (const path of ['faults', 'files', 'reset', 'stats']) {
      expect((await fetch(`${em.url}/__emulator/${path}`)).status).toBe(404)
    }
  })

  it('manage faults, list files, reset, count and issue tokens over HTTP', async () => {
    const { em, dbx } = await connected({ admin: true })
    const api = (path: string, init?: RequestInit) => fetch(`${em.url}/__emulator/${path}`, init)
    const rule = { id: 'lists', route: { regex: '^files/list_folder$' }, fault: 'server-error', nextN: 2 }
    expect(await (await api('faults', { method: 'POST', body: JSON.stringify(rule) })).json()).toEqual({
      id: 'lists',
    })
    expect((await api('faults', { method: 'POST', body: '{"fault":"nope"}' })).status).toBe(400)
    expect(await (await api('faults')).json()).toEqual([
      {
        id: 'lists',
        route: { regex: '^files\\/list_folder$', flags: '' },
        fault: 'server-error',
        nextN: 2,
        remaining: 2,
        hits: 0,
      },
    ])
    expect(em.faults.list()[0]?.route).toBeInstanceOf(RegExp)
    expect((await api('faults?id=missing', { method: 'DELETE' })).status).toBe(404)
    expect((await api('faults?id=lists', { method: 'DELETE' })).status).toBe(200)
    expect(em.faults.list()).toEqual([])

    await dbx.filesUpload({ path: '/Dir/A.txt', contents: bytes('abc') })
    const files = (await (await api('files')).json()) as Array<{ path: string; size: number }>
    expect(files).toEqual([expect.objectContaining({ path: '/Dir/A.txt', pathLower: '/dir/a.txt', size: 3 })])
    expect((await api('reset', { method: 'POST' })).status).toBe(200)
    expect(em.files()).toEqual([])

    const stats = (await (await api('stats')).json()) as { routes: Record<string, { requests: number }> }
    expect(stats.routes['files/upload']?.requests).toBe(1)
    const tokens = (await (await api('tokens', { method: 'POST', body: '{"clientId":"web"}' })).json()) as {
      accessToken: string
      refreshToken: string
    }
    expect(tokens.accessToken).toBeTruthy()
    expect(tokens.refreshToken).toBeTruthy()
    expect((await api('tokens/expire', { method: 'POST' })).status).toBe(200)
    expect((await api('nothing')).status).toBe(404)
  })
})

describe('stats', () => {
  it('counts requests, statuses and body bytes per route', async () => {
    const { em, dbx } = await connected()
    await dbx.filesUpload({ path: '/a.bin', contents: Buffer.alloc(1000) })
    await dbx.filesDownload({ path: '/a.bin' })
    await dbx.filesDownload({ path: '/missing' }).catch(() => undefined)
    const s = em.stats()
    expect(s.routes['files/upload']).toMatchObject({
      requests: 1,
      bytesIn: 1000,
      statuses: { 200: 1 },
      inFlight: 0,
    })
    expect(s.routes['files/download']).toMatchObject({ requests: 2, statuses: { 200: 1, 409: 1 } })
    expect(s.routes['files/download']?.bytesOut).toBeGreaterThanOrEqual(1000)
    expect(s.total.requests).toBe(3)
    em.resetStats()
    expect(em.stats().total.requests).toBe(0)
  })
})

describe('log', () => {
  it('writes one line per request and never a token', async () => {
    const lines: string[] = []
    const em = await emulator({ log: (line) => lines.push(line) })
    const { accessToken, refreshToken } = em.issueTokens()
    const dbx = new Dropbox({ accessToken, fetch: emulatorFetch(em.url) })
    await dbx.filesUpload({ path: '/a', contents: bytes('a') })
    await new Dropbox({ accessToken: 'sl.wrong-token', fetch: emulatorFetch(em.url) })
      .filesListFolder({ path: '' })
      .catch(() => {})
    const auth = new DropboxAuth({ clientId: 'app', refreshToken, fetch: emulatorFetch(em.url) })
    await auth.refreshAccessToken()
    expect(lines).toEqual([
      expect.stringMatching(/^POST files\/upload 200 \d+ms$/),
      expect.stringMatching(/^POST files\/list_folder 401 /),
      expect.stringMatching(/^POST oauth2\/token 200 /),
    ])
    const all = lines.join('\n')
    for (const secret of [accessToken, refreshToken, 'sl.wrong-token', auth.getAccessToken()]) {
      expect(all).not.toContain(secret)
    }
  })
})
