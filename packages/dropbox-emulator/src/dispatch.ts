/**
 * Request handling: CORS, route lookup, faults, body, authentication, arguments, handler,
 * error shapes, counters.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { ApiError, authError, badRequest, routeError, type Tagged } from './api-error.ts'
import { parseJson } from './args.ts'
import type { ActiveFaultRule } from './faults.ts'
import { answerPreflight, readBody, sendReply, setCorsHeaders } from './http-io.ts'
import type { Emulator } from './options.ts'
import { getCurrentAccount, revokeToken } from './routes/account.ts'
import { handleAdmin } from './routes/admin.ts'
import { deleteBatch, deleteBatchCheck, deleteV2, download, getMetadata, upload } from './routes/files.ts'
import { getLatestCursor, listFolder, listFolderContinue, listFolderLongpoll } from './routes/listing.ts'
import { authorize, token } from './routes/oauth.ts'
import { sessionAppend, sessionFinish, sessionFinishBatch, sessionStart } from './routes/sessions.ts'
import { downloadZip } from './routes/zip.ts'
import { DEFAULT_MAX_UPLOAD_BYTES, type EmulatorState, type Reply, type RouteContext } from './state.ts'
import type { StatsRecorder } from './stats.ts'
import { writeErrorValue } from './write.ts'

/** How a route is called: Dropbox's RPC, upload and download styles, the notify host, OAuth. */
type Style = 'rpc' | 'upload' | 'download' | 'notify' | 'oauth'

interface RouteDef {
  style: Style
  handler: (ctx: RouteContext) => Promise<Reply>
}

const ROUTES: Record<string, RouteDef> = {
  'files/upload': { style: 'upload', handler: upload },
  'files/download': { style: 'download', handler: download },
  'files/download_zip': { style: 'download', handler: downloadZip },
  'files/get_metadata': { style: 'rpc', handler: getMetadata },
  'files/delete_v2': { style: 'rpc', handler: deleteV2 },
  'files/delete_batch': { style: 'rpc', handler: deleteBatch },
  'files/delete_batch/check': { style: 'rpc', handler: deleteBatchCheck },
  'files/list_folder': { style: 'rpc', handler: listFolder },
  'files/list_folder/continue': { style: 'rpc', handler: listFolderContinue },
  'files/list_folder/get_latest_cursor': { style: 'rpc', handler: getLatestCursor },
  'files/list_folder/longpoll': { style: 'notify', handler: listFolderLongpoll },
  'files/upload_session/start': { style: 'upload', handler: sessionStart },
  'files/upload_session/append_v2': { style: 'upload', handler: sessionAppend },
  'files/upload_session/finish': { style: 'upload', handler: sessionFinish },
  'files/upload_session/finish_batch_v2': { style: 'rpc', handler: sessionFinishBatch },
  'users/get_current_account': { style: 'rpc', handler: getCurrentAccount },
  'auth/token/revoke': { style: 'rpc', handler: revokeToken },
  'oauth2/authorize': { style: 'oauth', handler: authorize },
  'oauth2/token': { style: 'oauth', handler: token },
}

/** Largest JSON body accepted by RPC routes. */
const MAX_RPC_BYTES = 16 * 1024 * 1024

/** Everything the dispatcher needs besides the request. */
export interface DispatchDeps {
  state: EmulatorState
  stats: StatsRecorder
  emulator: Emulator
}

/** Handles one HTTP request; never throws. */
export async function dispatch(deps: DispatchDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { state, stats } = deps
  const started = Date.now()
  const url = new URL(req.url ?? '/', 'http://emulator')
  const method = req.method ?? 'GET'
  setCorsHeaders(res)
  if (method === 'OPTIONS') return answerPreflight(res)
  if (url.pathname.startsWith('/__emulator')) return admin(deps, req, res, url)
  const route = url.pathname.startsWith('/2/') ? url.pathname.slice(3) : url.pathname.slice(1)
  const def = ROUTES[route]
  if (!def) {
    sendReply(res, { status: 404, body: `Unknown API function: "${route}"` })
    return
  }
  let bytesIn = 0
  let bytesOut = 0
  let status: number | 'dropped' = 500
  stats.begin(route)
  const client = header(req, 'x-emulator-client')
  const decision = deps.emulator.faults.decide(route, client)
  const faulted = decision.latencyMs > 0 || decision.failure !== undefined
  try {
    if (decision.latencyMs > 0) await sleep(decision.latencyMs, state.closing.signal)
    const failure = decision.failure
    if (failure?.fault === 'drop' || failure?.fault === 'offline') {
      status = 'dropped'
      req.socket.destroy()
      return
    }
    const isUpload = def.style === 'upload'
    const body = await readBody(
      req,
      isUpload ? (state.options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES) : MAX_RPC_BYTES,
    )
    bytesIn = body.size
    if (failure) throw faultError(failure, route)
    const ctx = await prepare(state, def, route, req, url, body.data, body.tooLarge, res)
    const reply = await def.handler(ctx)
    // While closing, answer and hang up, so the server is not kept open by idle keep-alives.
    if (state.closing.signal.aborted) res.setHeader('Connection', 'close')
    status = reply.status ?? 200
    bytesOut = sendReply(res, reply)
  } catch (error) {
    if (res.headersSent || res.destroyed) {
      status = 'dropped'
      return
    }
    const failure = error instanceof ApiError ? error : internalError(state, route, error)
    if (state.closing.signal.aborted) res.setHeader('Connection', 'close')
    status = failure.status
    bytesOut = sendReply(res, { status: failure.status, headers: failure.headers, ...bodyOf(failure.body) })
  } finally {
    stats.record(route, bytesIn, bytesOut, status, faulted)
    state.log(`${method} ${route} ${status} ${Date.now() - started}ms`)
  }
}

async function prepare(
  state: EmulatorState,
  def: RouteDef,
  route: string,
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  tooLarge: boolean,
  res: ServerResponse,
): Promise<RouteContext> {
  const method = req.method ?? 'GET'
  const allowed =
    def.style === 'oauth' && route === 'oauth2/authorize'
      ? ['GET', 'POST']
      : def.style === 'download'
        ? ['GET', 'POST']
        : ['POST']
  if (!allowed.includes(method))
    throw new ApiError(405, `Error in call to API function "${route}": method ${method} not allowed`)
  const gone = new AbortController()
  res.on('close', () => gone.abort())
  const ctx: RouteContext = {
    route,
    req,
    url,
    body,
    tooLarge,
    arg: null,
    signal: AbortSignal.any([gone.signal, state.closing.signal]),
    state,
  }
  if (def.style === 'oauth') return ctx
  if (tooLarge && def.style !== 'upload') throw badRequest(route, 'request body: too large')
  const authorization = header(req, 'authorization') ?? url.searchParams.get('authorization') ?? undefined
  if (def.style === 'notify') {
    if (authorization !== undefined) {
      throw badRequest(
        route,
        'Your request includes an Authorization header, but this function does not use it.',
      )
    }
  } else {
    if (authorization === undefined) {
      throw badRequest(route, 'Must provide HTTP header "Authorization" or URL parameter "authorization".')
    }
    const bearer = /^Bearer (\S+)$/.exec(authorization)?.[1]
    if (!bearer) {
      throw badRequest(route, 'Invalid "Authorization" value.  Expecting "Bearer <oauth2-access-token>".')
    }
    const check = state.tokens.check(bearer)
    if (!check.ok)
      throw authError(check.reason === 'expired' ? 'expired_access_token' : 'invalid_access_token')
    ctx.grant = check.grant
    ctx.token = bearer
  }
  ctx.arg =
    def.style === 'rpc' || def.style === 'notify'
      ? rpcArg(route, req, body)
      : headerArg(route, req, url, def.style)
  return ctx
}

function rpcArg(route: string, req: IncomingMessage, body: Buffer): unknown {
  if (body.length === 0) return null
  const type = header(req, 'content-type') ?? ''
  if (
    !/^application\/json\s*(;\s*charset=utf-8\s*)?$/i.test(type) &&
    type !== 'text/plain; charset=dropbox-cors-hack'
  ) {
    throw badRequest(
      route,
      `Bad HTTP "Content-Type" header: "${type}".  Expecting one of "application/json", "application/json; charset=utf-8", "text/plain; charset=dropbox-cors-hack".`,
    )
  }
  return parseJson(route, 'request body', body.toString('utf8'))
}

function headerArg(route: string, req: IncomingMessage, url: URL, style: Style): unknown {
  if (style === 'upload') {
    const type = header(req, 'content-type') ?? ''
    if (type !== 'application/octet-stream' && type !== 'text/plain; charset=dropbox-cors-hack') {
      throw badRequest(
        route,
        `Bad HTTP "Content-Type" header: "${type}".  Expecting one of "application/octet-stream", "text/plain; charset=dropbox-cors-hack".`,
      )
    }
  }
  const raw = header(req, 'dropbox-api-arg') ?? url.searchParams.get('arg') ?? undefined
  if (raw === undefined)
    throw badRequest(route, 'Must provide HTTP header "Dropbox-API-Arg" or URL parameter "arg".')
  // Node reads header bytes as Latin-1: anything above 0x7f means unescaped non-ASCII.
  if (/[^\u0020-\u007e]/.test(raw))
    throw badRequest(route, 'HTTP header "Dropbox-API-Arg": could not decode input as JSON')
  return parseJson(route, 'HTTP header "Dropbox-API-Arg"', raw)
}

function faultError(rule: ActiveFaultRule, route: string): ApiError {
  const retryAfter = rule.retryAfterSeconds ?? 1
  switch (rule.fault) {
    case 'rate-limit':
    case 'write-lock': {
      const reason = rule.fault === 'rate-limit' ? 'too_many_requests' : 'too_many_write_operations'
      const body = {
        error_summary: `${reason}/..`,
        error: { reason: { '.tag': reason }, retry_after: retryAfter },
      }
      return new ApiError(429, body, { 'Retry-After': String(retryAfter) })
    }
    case 'write-lock-409':
      return routeError(writeFailure(route, 'too_many_write_operations'))
    case 'insufficient-space':
      return routeError(writeFailure(route, 'insufficient_space'))
    case 'expired-token':
      return authError('expired_access_token')
    default: {
      const status = rule.status ?? 500
      const headers: Record<string, string> =
        rule.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfter) }
      return new ApiError(status, status === 503 ? 'Service Unavailable' : 'Internal Server Error', headers)
    }
  }
}

/** The route's own error value for a failed write. */
function writeFailure(route: string, reason: 'too_many_write_operations' | 'insufficient_space'): Tagged {
  if (route === 'files/upload') return writeErrorValue({ '.tag': reason }, 'upload')
  if (route.startsWith('files/delete') && reason === 'too_many_write_operations') return { '.tag': reason }
  if (route.startsWith('files/delete')) return { '.tag': 'path_write', path_write: { '.tag': reason } }
  return writeErrorValue({ '.tag': reason }, 'finish')
}

async function admin(deps: DispatchDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  try {
    if (!deps.state.options.admin) throw new ApiError(404, 'Not Found')
    const body = await readBody(req, MAX_RPC_BYTES)
    sendReply(res, await handleAdmin(deps.emulator, req.method ?? 'GET', url, body.data))
  } catch (error) {
    const failure = error instanceof ApiError ? error : internalError(deps.state, url.pathname, error)
    if (!res.headersSent) sendReply(res, { status: failure.status, ...bodyOf(failure.body) })
  }
}

function internalError(state: EmulatorState, route: string, error: unknown): ApiError {
  state.log(`${route} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  return new ApiError(500, 'Internal Server Error')
}

function bodyOf(body: unknown): Pick<Reply, 'json' | 'body'> {
  return typeof body === 'string' ? { body } : { json: body }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}
