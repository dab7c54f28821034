/**
 * OAuth 2 with PKCE and expiring tokens, pinned to the Dropbox OAuth guide
 * (https://developers.dropbox.com/oauth-guide) and
 * https://www.dropbox.com/developers/documentation/http/documentation#oauth2-authorize / #oauth2-token,
 * driven through the official SDK's DropboxAuth exactly as an app does.
 */
import { Dropbox, DropboxAuth } from 'dropbox'
import { describe, expect, it } from 'vitest'
import { unescapeHtml } from '../src/html.ts'
import { approveLink, type Emulator, emulatorFetch, rewriteDropboxUrl } from '../src/index.ts'
import { connected, dropboxError, emulator, post } from './helpers.ts'

const REDIRECT = 'http://localhost:5173/callback'
const SCOPES = ['files.metadata.read', 'files.content.read', 'files.content.write']
const URL_SAFE = /^[A-Za-z0-9._~-]+$/

/** The SDK's authorize URL (offline access, PKCE) for `state`, as an app builds it. */
async function authorizeUrlOf(auth: DropboxAuth, state: string): Promise<string> {
  return (await auth.getAuthenticationUrl(REDIRECT, state, 'code', 'offline', SCOPES, 'none', true)) as string
}

/** Opens the approve page of the SDK's authorize URL and submits its form with `decision`. */
async function approve(em: Emulator, auth: DropboxAuth, decision: 'allow' | 'deny', state = 'xyz-state') {
  const authorizeUrl = await authorizeUrlOf(auth, state)
  expect(authorizeUrl).toMatch(/^https:\/\/(www\.)?dropbox\.com\/oauth2\/authorize\?/)
  const page = await fetch(rewriteDropboxUrl(authorizeUrl, em.url))
  expect(page.status).toBe(200)
  const html = await page.text()
  expect(html).toContain('>Allow<')
  expect(html).toContain('>Cancel<')
  const form = new URLSearchParams()
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    form.set(unescapeHtml(m[1] ?? ''), unescapeHtml(m[2] ?? ''))
  }
  form.set('decision', decision)
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? ''
  const res = await fetch(em.url + action, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  })
  expect(res.status).toBe(302)
  return new URL(res.headers.get('location') ?? '')
}

function newAuth(em: Emulator, clientId = 'app-key'): DropboxAuth {
  return new DropboxAuth({ clientId, fetch: emulatorFetch(em.url) })
}

describe('OAuth code flow with PKCE', () => {
  it('Allow redirects with code and state; the code buys URL-safe tokens that work', async () => {
    const em = await emulator()
    const auth = newAuth(em)
    const back = await approve(em, auth, 'allow')
    expect(back.origin + back.pathname).toBe(REDIRECT)
    expect(back.searchParams.get('state')).toBe('xyz-state')
    const code = back.searchParams.get('code') ?? ''
    expect(code).toMatch(URL_SAFE)
    const { result } = (await auth.getAccessTokenFromCode(REDIRECT, code)) as unknown as {
      result: {
        access_token: string
        refresh_token: string
        expires_in: number
        token_type: string
        account_id: string
      }
    }
    expect(result.token_type).toBe('bearer')
    expect(result.expires_in).toBe(14400)
    expect(result.access_token).toMatch(URL_SAFE)
    expect(result.refresh_token).toMatch(URL_SAFE)
    auth.setAccessToken(result.access_token)
    auth.setRefreshToken(result.refresh_token)
    auth.setAccessTokenExpiresAt(new Date(Date.now() + result.expires_in * 1000))
    const dbx = new Dropbox({ auth, fetch: emulatorFetch(em.url) })
    const account = (await dbx.usersGetCurrentAccount()).result
    expect(account.account_id).toBe(result.account_id)
  })

  it('Cancel redirects with error=access_denied and the state', async () => {
    const em = await emulator()
    const back = await approve(em, newAuth(em), 'deny', 's1')
    expect(back.searchParams.get('error')).toBe('access_denied')
    expect(back.searchParams.get('state')).toBe('s1')
    expect(back.searchParams.has('code')).toBe(false)
  })

  it('approveLink plays the user on the approve page for a test: Allow gives a code, Cancel an error', async () => {
    const em = await emulator()
    const auth = newAuth(em)
    const url = await authorizeUrlOf(auth, 's2')
    const allowed = new URL(await approveLink(rewriteDropboxUrl(url, em.url)))
    expect(allowed.origin + allowed.pathname).toBe(REDIRECT)
    expect(allowed.searchParams.get('state')).toBe('s2')
    const { result } = (await auth.getAccessTokenFromCode(
      REDIRECT,
      allowed.searchParams.get('code') ?? '',
    )) as {
      result: { access_token: string }
    }
    expect(result.access_token).toMatch(URL_SAFE)
    const denied = new URL(await approveLink(rewriteDropboxUrl(url, em.url), 'deny'))
    expect(denied.searchParams.get('error')).toBe('access_denied')
    await expect(approveLink(`${em.url}/oauth2/authorize?client_id=app-key`)).rejects.toThrow(
      /is not the emulator's approve page \(HTTP 400\)/,
    )
  })

  it('a wrong code verifier is 400 invalid_grant; a code works only once', async () => {
    const em = await emulator()
    const auth = newAuth(em)
    const code = (await approve(em, auth, 'allow')).searchParams.get('code') ?? ''
    const verifier = auth.getCodeVerifier()
    auth.setCodeVerifier(`${verifier.slice(0, -1)}${verifier.endsWith('A') ? 'B' : 'A'}`)
    const wrong = await dropboxError(auth.getAccessTokenFromCode(REDIRECT, code))
    expect(wrong.status).toBe(400)
    expect(wrong.error).toMatchObject({ error: 'invalid_grant' })
    const again = newAuth(em)
    const code2 = (await approve(em, again, 'allow')).searchParams.get('code') ?? ''
    await again.getAccessTokenFromCode(REDIRECT, code2)
    const reused = await dropboxError(again.getAccessTokenFromCode(REDIRECT, code2))
    expect(reused.error).toMatchObject({ error: 'invalid_grant' })
  })

  it('the SDK refreshes with the refresh token before its first call when no expiry is known', async () => {
    const em = await emulator()
    const { refreshToken } = em.issueTokens()
    const auth = new DropboxAuth({ clientId: 'any-app', refreshToken, fetch: emulatorFetch(em.url) })
    const dbx = new Dropbox({ auth, fetch: emulatorFetch(em.url) })
    await dbx.filesListFolder({ path: '' })
    expect(em.stats().routes['oauth2/token']?.requests).toBe(1)
    expect(auth.getAccessTokenExpiresAt().getTime()).toBeGreaterThan(Date.now())
  })

  it('only the listed app keys are accepted', async () => {
    const em = await emulator({ appKeys: ['good-key'] })
    const page = await fetch(rewriteDropboxUrl(await authorizeUrlOf(newAuth(em, 'bad-key'), 's'), em.url))
    expect(page.status).toBe(400)
    const { refreshToken } = em.issueTokens()
    const bad = new DropboxAuth({ clientId: 'bad-key', refreshToken, fetch: emulatorFetch(em.url) })
    expect((await dropboxError(bad.refreshAccessToken())).error).toMatchObject({ error: 'invalid_client' })
    const good = new DropboxAuth({ clientId: 'good-key', refreshToken, fetch: emulatorFetch(em.url) })
    await good.refreshAccessToken()
  })

  it('tokens issued for a client id refresh only for that client id', async () => {
    const em = await emulator()
    const { refreshToken } = em.issueTokens({ clientId: 'mine' })
    const other = new DropboxAuth({ clientId: 'theirs', refreshToken, fetch: emulatorFetch(em.url) })
    expect((await dropboxError(other.refreshAccessToken())).error).toMatchObject({ error: 'invalid_grant' })
  })
})

describe('access tokens', () => {
  it('an expired token is 401 expired_access_token; refreshing then works', async () => {
    const em = await emulator()
    const { accessToken, refreshToken } = em.issueTokens()
    const auth = new DropboxAuth({
      clientId: 'app',
      accessToken,
      refreshToken,
      accessTokenExpiresAt: new Date(Date.now() + 3_600_000),
      fetch: emulatorFetch(em.url),
    })
    const dbx = new Dropbox({ auth, fetch: emulatorFetch(em.url) })
    await dbx.filesListFolder({ path: '' })
    em.expireAllAccessTokens()
    const expired = await dropboxError(dbx.filesListFolder({ path: '' }))
    expect(expired.status).toBe(401)
    expect(expired.error).toEqual({
      error_summary: 'expired_access_token/..',
      error: { '.tag': 'expired_access_token' },
    })
    await auth.refreshAccessToken()
    expect(auth.getAccessToken()).not.toBe(accessToken)
    await dbx.filesListFolder({ path: '' })
  })

  it('setAccessTokenTtl shortens new tokens', async () => {
    const em = await emulator()
    em.setAccessTokenTtl(0)
    const { accessToken, expiresIn } = em.issueTokens()
    expect(expiresIn).toBe(0)
    const dbx = new Dropbox({ accessToken, fetch: emulatorFetch(em.url) })
    expect((await dropboxError(dbx.filesListFolder({ path: '' }))).error).toMatchObject({
      error: { '.tag': 'expired_access_token' },
    })
  })

  it('an unknown token is 401 invalid_access_token; no Authorization header is a 400', async () => {
    const em = await emulator()
    const dbx = new Dropbox({ accessToken: 'sl.not-a-token', fetch: emulatorFetch(em.url) })
    const e = await dropboxError(dbx.filesListFolder({ path: '' }))
    expect(e.status).toBe(401)
    expect(e.error).toMatchObject({ error_summary: 'invalid_access_token/..' })
    const res = await post(em, '/2/files/list_folder', {
      headers: { 'Content-Type': 'application/json' },
      body: '{"path":""}',
    })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('Authorization')
  })

  it('auth/token/revoke disables the token and its refresh token', async () => {
    const em = await emulator()
    const { accessToken, refreshToken } = em.issueTokens()
    const dbx = new Dropbox({ accessToken, fetch: emulatorFetch(em.url) })
    expect((await dbx.authTokenRevoke()).result).toBeNull()
    expect((await dropboxError(dbx.filesListFolder({ path: '' }))).status).toBe(401)
    const auth = new DropboxAuth({ clientId: 'app', refreshToken, fetch: emulatorFetch(em.url) })
    expect((await dropboxError(auth.refreshAccessToken())).error).toMatchObject({ error: 'invalid_grant' })
  })

  it('users/get_current_account reports the token account', async () => {
    const { em } = await connected()
    const { accessToken } = em.issueTokens({ accountId: 'dbid:AAB-other-account' })
    const dbx = new Dropbox({ accessToken, fetch: emulatorFetch(em.url) })
    const { result } = await dbx.usersGetCurrentAccount()
    expect(result).toMatchObject({ account_id: 'dbid:AAB-other-account', account_type: { '.tag': 'basic' } })
    expect(result.name.display_name).toBeTruthy()
  })
})
