/**
 * Linking Dropbox from a Node program: a one-shot HTTP server on 127.0.0.1
 * receives the redirect, then the code is exchanged (PKCE, no app secret).
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AuthError } from '@y-dropbox/core'
import { buildAuthorizeUrl, type ExchangeTarget, exchangeCode, randomToken } from './authorize.ts'
import type { DropboxTokens, TokenStore } from './token-store.ts'

/** Options of {@link linkWithLoopback}. */
export interface LoopbackLinkOptions extends ExchangeTarget {
  /** The Dropbox app key. */
  appKey: string
  /** Opens the authorize URL for the user (a browser, or print it). */
  open: (url: string) => void | Promise<void>
  /**
   * Port on 127.0.0.1 for the redirect; `http://127.0.0.1:<port>/callback`
   * must be registered in the app console. 0 picks a free port (emulator
   * only: Dropbox needs the exact URI). Default 53682.
   */
  port?: number
  /** Scopes to ask for. Default: metadata read, content read and write. */
  scopes?: readonly string[]
  /** Where to save the tokens. */
  tokenStore?: TokenStore
  /** Authorize page to use instead of Dropbox's. Default: Dropbox's, or the emulator's when `emulatorUrl` is set. */
  authorizeBaseUrl?: string
  /** How long to wait for the user, in ms. Default 300,000. */
  timeoutMs?: number
  /** Cancels the wait. */
  signal?: AbortSignal
}

/** Default redirect port of {@link linkWithLoopback}. */
export const DEFAULT_LOOPBACK_PORT = 53682

/**
 * Runs the whole link: starts the redirect server, calls `open(url)`, waits
 * for Dropbox's redirect, checks `state`, exchanges the code, saves and
 * returns the tokens. The server is closed in every case.
 */
export async function linkWithLoopback(options: LoopbackLinkOptions): Promise<DropboxTokens> {
  const state = randomToken()
  let settle: { resolve: (url: URL) => void; reject: (error: unknown) => void } | undefined
  const redirected = new Promise<URL>((resolve, reject) => {
    settle = { resolve, reject }
  })
  // Settled before it is awaited when the wait ends during `open`; the await below still sees the outcome.
  redirected.catch(() => {})
  const server = createServer((req, res) => handle(req, res, state, settle!))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? DEFAULT_LOOPBACK_PORT, '127.0.0.1', () => resolve())
  })
  const timeoutMs = options.timeoutMs ?? 300_000
  const timer = setTimeout(
    () => settle!.reject(new AuthError('Dropbox linking timed out waiting for approval; link again')),
    timeoutMs,
  )
  const onAbort = () =>
    settle!.reject(options.signal?.reason ?? new AuthError('Dropbox linking was cancelled'))
  options.signal?.addEventListener('abort', onAbort, { once: true })
  try {
    const { port } = server.address() as AddressInfo
    const redirectUri = `http://127.0.0.1:${port}/callback`
    const authorizeBaseUrl =
      options.authorizeBaseUrl ??
      (options.emulatorUrl ? `${options.emulatorUrl.replace(/\/+$/, '')}/oauth2/authorize` : undefined)
    const { url, codeVerifier } = await buildAuthorizeUrl({
      appKey: options.appKey,
      redirectUri,
      state,
      ...(options.scopes ? { scopes: options.scopes } : {}),
      ...(authorizeBaseUrl ? { authorizeBaseUrl } : {}),
    })
    if (options.signal?.aborted) onAbort()
    await options.open(url)
    const back = await redirected
    const tokens = await exchangeCode({
      appKey: options.appKey,
      code: back.searchParams.get('code')!,
      codeVerifier,
      redirectUri,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.emulatorUrl ? { emulatorUrl: options.emulatorUrl } : {}),
    })
    await options.tokenStore?.save(tokens)
    return tokens
  } finally {
    clearTimeout(timer)
    options.signal?.removeEventListener('abort', onAbort)
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

function handle(
  req: IncomingMessage,
  res: ServerResponse,
  state: string,
  settle: { resolve: (url: URL) => void; reject: (error: unknown) => void },
): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  if (url.pathname !== '/callback') {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found')
    return
  }
  const error = url.searchParams.get('error')
  let failure: AuthError | undefined
  if (error) {
    const reason = error === 'access_denied' ? 'access was denied' : `Dropbox answered "${error}"`
    failure = new AuthError(`Dropbox linking was cancelled (${reason}); link Dropbox again to sync`)
  } else if (url.searchParams.get('state') !== state) {
    failure = new AuthError(
      'the Dropbox link response does not match this link (state mismatch); start linking again',
    )
  } else if (!url.searchParams.get('code')) {
    failure = new AuthError('the Dropbox link response holds no authorization code; start linking again')
  }
  const message = failure
    ? 'Linking Dropbox did not succeed. You can close this window and try again.'
    : 'Dropbox is linked. You can close this window.'
  res
    .writeHead(failure ? 400 : 200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
    })
    .end(`<!doctype html><meta charset="utf-8"><title>Dropbox</title><p>${message}</p>`)
  if (failure) settle.reject(failure)
  else settle.resolve(url)
}
