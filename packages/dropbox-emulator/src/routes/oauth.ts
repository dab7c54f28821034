/**
 * OAuth 2: the authorize page (`/oauth2/authorize`, with Allow and Cancel) and the token
 * endpoint (`/oauth2/token`: authorization_code with PKCE, refresh_token).
 */
import { createHash } from 'node:crypto'
import { ApiError } from '../api-error.ts'
import { escapeHtml } from '../html.ts'
import type { EmulatorState, Reply, RouteContext } from '../state.ts'
import { DEFAULT_ACCOUNT_ID, DEFAULT_SCOPE } from '../tokens.ts'

/** `GET /oauth2/authorize` shows the approve page; `POST` is the page's form (Allow or Cancel). */
export async function authorize(ctx: RouteContext): Promise<Reply> {
  const params =
    ctx.req.method === 'POST' ? new URLSearchParams(ctx.body.toString('utf8')) : ctx.url.searchParams
  const request = readAuthorizeRequest(ctx.state, params)
  if (typeof request === 'string') return page(400, 'Invalid request', `<p>${escapeHtml(request)}</p>`)
  if (ctx.req.method !== 'POST') return approvePage(params, request)
  const redirect = request.redirectUri
  if (params.get('decision') !== 'allow') {
    if (redirect === undefined) return page(200, 'Access denied', '<p>You did not allow access.</p>')
    const description = 'The user chose not to give your app access to their Dropbox account.'
    return redirectTo(redirect, {
      error: 'access_denied',
      error_description: description,
      state: request.state,
    })
  }
  const code = ctx.state.tokens.createCode({
    accountId: DEFAULT_ACCOUNT_ID,
    clientId: request.clientId,
    scope: request.scope,
    redirectUri: redirect,
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: request.codeChallengeMethod,
    offline: request.offline,
  })
  if (redirect === undefined) {
    return page(
      200,
      'Access code',
      `<p>Enter this code into the app:</p><p><code id="code">${code}</code></p>`,
    )
  }
  return redirectTo(redirect, { code, state: request.state })
}

/** `POST /oauth2/token`. Parameters come from the query string (as the SDK sends them) or a form body. */
export async function token(ctx: RouteContext): Promise<Reply> {
  const p = tokenParams(ctx)
  const clientId = p.get('client_id') ?? undefined
  const keys = ctx.state.options.appKeys
  if (clientId === undefined) throw oauthError('invalid_request', 'missing required field "client_id"')
  if (keys && !keys.includes(clientId))
    throw oauthError('invalid_client', 'Invalid client_id or client_secret')
  const grantType = p.get('grant_type')
  if (grantType === 'refresh_token') {
    const refresh = p.get('refresh_token')
    if (!refresh) throw oauthError('invalid_request', 'missing required field "refresh_token"')
    const issued = ctx.state.tokens.refreshWith(refresh, clientId)
    if (!issued) throw oauthError('invalid_grant', 'refresh token is invalid or revoked')
    await ctx.state.durable()
    return { json: { access_token: issued.accessToken, token_type: 'bearer', expires_in: issued.expiresIn } }
  }
  if (grantType !== 'authorization_code') {
    throw oauthError('unsupported_grant_type', `grant_type "${grantType ?? ''}" is not supported`)
  }
  const code = p.get('code')
  if (!code) throw oauthError('invalid_request', 'missing required field "code"')
  const grant = ctx.state.tokens.redeemCode(code)
  if (!grant || grant.clientId !== clientId)
    throw oauthError('invalid_grant', "code doesn't exist or has expired")
  if (grant.redirectUri !== undefined && grant.redirectUri !== p.get('redirect_uri')) {
    throw oauthError('invalid_grant', 'redirect_uri mismatch')
  }
  if (grant.codeChallenge !== undefined) {
    const verifier = p.get('code_verifier')
    if (!verifier) throw oauthError('invalid_grant', 'missing code_verifier')
    const derived =
      grant.codeChallengeMethod === 'S256'
        ? createHash('sha256').update(verifier).digest('base64url')
        : verifier
    if (derived !== grant.codeChallenge) throw oauthError('invalid_grant', 'invalid code verifier')
  } else if (!p.get('client_secret')) {
    throw oauthError('invalid_client', 'client_secret or PKCE code_verifier required')
  }
  const issued = ctx.state.tokens.issue(grant, grant.offline)
  await ctx.state.durable()
  const body: Record<string, unknown> = {
    access_token: issued.accessToken,
    token_type: 'bearer',
    expires_in: issued.expiresIn,
    scope: grant.scope,
    uid: '1',
    account_id: grant.accountId,
  }
  if (issued.refreshToken !== undefined) body.refresh_token = issued.refreshToken
  return { json: body }
}

interface AuthorizeRequest {
  clientId: string
  redirectUri: string | undefined
  state: string | undefined
  scope: string
  codeChallenge: string | undefined
  codeChallengeMethod: string | undefined
  offline: boolean
}

function readAuthorizeRequest(state: EmulatorState, p: URLSearchParams): AuthorizeRequest | string {
  const clientId = p.get('client_id')
  if (!clientId) return 'Missing client_id.'
  const keys = state.options.appKeys
  if (keys && !keys.includes(clientId)) return `Invalid client_id: "${clientId}".`
  if (p.get('response_type') !== 'code') return 'Only response_type=code is supported.'
  const redirectUri = p.get('redirect_uri') ?? undefined
  if (redirectUri !== undefined && !/^https?:\/\/[^\s]+$/.test(redirectUri)) {
    return `Invalid redirect_uri: "${redirectUri}". It must be an absolute http or https URL.`
  }
  const challenge = p.get('code_challenge') ?? undefined
  const method = p.get('code_challenge_method') ?? (challenge === undefined ? undefined : 'plain')
  if (method !== undefined && method !== 'S256' && method !== 'plain') {
    return `Invalid code_challenge_method: "${method}". Use S256 or plain.`
  }
  if (challenge !== undefined && !/^[A-Za-z0-9\-._~]{43,128}$/.test(challenge)) {
    return 'Invalid code_challenge: it must be 43 to 128 URL-safe characters.'
  }
  const access = p.get('token_access_type') ?? 'online'
  if (!['online', 'offline', 'legacy'].includes(access)) return `Invalid token_access_type: "${access}".`
  return {
    clientId,
    redirectUri,
    state: p.get('state') ?? undefined,
    scope: p.get('scope') ?? DEFAULT_SCOPE,
    codeChallenge: challenge,
    codeChallengeMethod: method,
    offline: access === 'offline',
  }
}

function tokenParams(ctx: RouteContext): URLSearchParams {
  const params = new URLSearchParams(ctx.url.searchParams)
  const type = ctx.req.headers['content-type'] ?? ''
  const text = ctx.body.toString('utf8')
  // The SDK sends its parameters in the query string with an empty body (even when it says JSON).
  if (text.trim() !== '') {
    let extra: Record<string, string> = {}
    if (type.startsWith('application/x-www-form-urlencoded'))
      extra = Object.fromEntries(new URLSearchParams(text))
    else if (type.startsWith('application/json')) {
      try {
        const parsed: unknown = JSON.parse(text)
        if (parsed && typeof parsed === 'object') extra = parsed as Record<string, string>
      } catch {
        throw oauthError('invalid_request', 'the request body is not valid JSON')
      }
    }
    for (const [k, v] of Object.entries(extra)) if (typeof v === 'string') params.set(k, v)
  }
  const basic = /^Basic (.+)$/i.exec(ctx.req.headers.authorization ?? '')
  if (basic?.[1]) {
    const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':')
    if (id) params.set('client_id', id)
    if (secret) params.set('client_secret', secret)
  }
  return params
}

function oauthError(error: string, description: string): ApiError {
  return new ApiError(400, { error, error_description: description })
}

function approvePage(params: URLSearchParams, request: AuthorizeRequest): Reply {
  const hidden = [...params]
    .filter(([k]) => k !== 'decision')
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n    ')
  const scopes = request.scope
    .split(' ')
    .filter(Boolean)
    .map((s) => `<li>${escapeHtml(s)}</li>`)
    .join('')
  return page(
    200,
    'Allow access?',
    `<p>The app <strong>${escapeHtml(request.clientId)}</strong> would like access to the files in its app folder.</p>
  <ul>${scopes}</ul>
  <form method="post" action="/oauth2/authorize">
    ${hidden}
    <button type="submit" name="decision" value="allow" id="allow">Allow</button>
    <button type="submit" name="decision" value="deny" id="cancel">Cancel</button>
  </form>`,
  )
}

function page(status: number, title: string, content: string): Reply {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} - Dropbox emulator</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto">
  <h1>${escapeHtml(title)}</h1>
  ${content}
  <p><small>Local Dropbox API emulator: no real account is involved.</small></p>
</body></html>`
  return { status, body: html, headers: { 'Content-Type': 'text/html; charset=utf-8' } }
}

function redirectTo(uri: string, params: Record<string, string | undefined>): Reply {
  const url = new URL(uri)
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v)
  return { status: 302, body: '', headers: { Location: url.href } }
}
