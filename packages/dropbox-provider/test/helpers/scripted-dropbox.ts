/**
 * A scripted `fetch` answering like Dropbox with canned responses, for unit
 * tests of the retry, refresh, paging and batching logic. Each route has a
 * queue of replies consumed in order, then an optional default handler.
 */

import { contentHash } from '@y-dropbox/core'
import { DropboxAuth } from 'dropbox'
import { DropboxBlobStore } from '../../src/dropbox-blob-store.ts'
import type { DropboxBlobStoreOptions } from '../../src/options.ts'

/** One request the fake received. */
export interface Call {
  /** Route without `/2/`, e.g. `files/upload`, or `oauth2/token`. */
  route: string
  /** Host name, e.g. `content.dropboxapi.com`. */
  host: string
  /** Full URL. */
  url: URL
  /** Request headers. */
  headers: Headers
  /** Parsed JSON argument (body for RPC, `Dropbox-API-Arg` for content routes). */
  arg: Record<string, unknown>
  /** Raw request body. */
  body: Uint8Array
}

/** What a route answers: a response, a thrown error, or a function of the call producing either. */
export type Reply = Response | Error | ((call: Call) => Response | Error | Promise<Response | Error>)

/** The fake Dropbox. */
export class ScriptedDropbox {
  /** Every request, in order. */
  readonly calls: Call[] = []
  readonly #queues = new Map<string, Reply[]>()
  readonly #handlers = new Map<string, Reply>()
  #inFlight = new Map<string, number>()
  /** Highest number of concurrent requests seen per route. */
  readonly maxInFlight = new Map<string, number>()

  /** Queues replies for `route`, used once each, in order. */
  queue(route: string, ...replies: Reply[]): this {
    const queue = this.#queues.get(route) ?? []
    queue.push(...replies)
    this.#queues.set(route, queue)
    return this
  }

  /** Answers `route` with `reply` whenever its queue is empty. */
  on(route: string, reply: Reply): this {
    this.#handlers.set(route, reply)
    return this
  }

  /** Calls of `route`. */
  callsTo(route: string): Call[] {
    return this.calls.filter((call) => call.route === route)
  }

  /** The fetch to give the SDK. */
  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
    const headers = new Headers(init?.headers)
    const body = init?.body
      ? new Uint8Array(await new Response(init.body as BodyInit).arrayBuffer())
      : new Uint8Array()
    const route = url.pathname.replace(/^\/(2\/)?/, '')
    const argText =
      headers.get('dropbox-api-arg') ?? (route.startsWith('oauth2') ? '' : new TextDecoder().decode(body))
    const call: Call = { route, host: url.host, url, headers, arg: argText ? JSON.parse(argText) : {}, body }
    this.calls.push(call)
    const now = (this.#inFlight.get(route) ?? 0) + 1
    this.#inFlight.set(route, now)
    this.maxInFlight.set(route, Math.max(now, this.maxInFlight.get(route) ?? 0))
    try {
      // Let concurrent callers overlap, as real requests do.
      await new Promise((resolve) => setTimeout(resolve, 1))
      const reply = this.#queues.get(route)?.shift() ?? this.#handlers.get(route)
      if (!reply) throw new Error(`scripted Dropbox: no reply for ${route}`)
      const out = await abortable(
        typeof reply === 'function' ? reply(call) : reply,
        init?.signal ?? undefined,
      )
      if (out instanceof Error) throw out
      return out.clone()
    } finally {
      this.#inFlight.set(route, (this.#inFlight.get(route) ?? 1) - 1)
    }
  }
}

/** Like fetch, rejects with the signal's reason when it aborts. */
function abortable<T>(value: T | Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return Promise.resolve(value)
  signal.throwIfAborted()
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    Promise.resolve(value).then(
      (v) => {
        signal.removeEventListener('abort', onAbort)
        resolve(v)
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(e)
      },
    )
  })
}

/** A JSON success. */
export function ok(value: unknown): Response {
  return new Response(JSON.stringify(value), { status: 200, headers: { 'Content-Type': 'application/json' } })
}

/** An error response with a JSON (or text) body. */
export function fail(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  return new Response(text, {
    status,
    headers: { 'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json', ...headers },
  })
}

/** Dropbox's nested union for a chain of tags. */
export function tagged(tags: string[]): Record<string, unknown> {
  const [first, ...rest] = tags
  return rest.length === 0 ? { '.tag': first } : { '.tag': first, [first!]: tagged(rest) }
}

/** A 409 route error, e.g. `routeError(['path', 'not_found'])`. */
export function routeError(tags: string[], headers: Record<string, string> = {}): Response {
  return fail(409, { error_summary: `${tags.join('/')}/..`, error: tagged(tags) }, headers)
}

/** A 429 with `Retry-After`. */
export function rateLimited(seconds: number, reason = 'too_many_requests'): Response {
  return fail(
    429,
    { error_summary: `${reason}/..`, error: { reason: { '.tag': reason }, retry_after: seconds } },
    { 'Retry-After': String(seconds) },
  )
}

/** A 401 with the given tag. */
export function unauthorized(tag = 'expired_access_token'): Response {
  return fail(401, { error_summary: `${tag}/..`, error: { '.tag': tag } })
}

/** The error fetch throws when the connection drops. */
export function dropped(): TypeError {
  return new TypeError('fetch failed', {
    cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
  })
}

/** Dropbox file metadata. */
export async function fileMetadata(
  path: string,
  data: Uint8Array,
  rev = 'r1',
): Promise<Record<string, unknown>> {
  return {
    '.tag': 'file',
    name: path.slice(path.lastIndexOf('/') + 1),
    path_lower: path.toLowerCase(),
    path_display: path,
    id: `id:${path}`,
    rev,
    size: data.length,
    content_hash: await contentHash(data),
    server_modified: '2025-01-01T00:00:00Z',
    client_modified: '2025-01-01T00:00:00Z',
  }
}

/** A download response: bytes plus the `Dropbox-API-Result` header. */
export function downloaded(meta: Record<string, unknown>, data: Uint8Array): Response {
  return new Response(data as Uint8Array<ArrayBuffer>, {
    status: 200,
    headers: { 'Content-Type': 'application/octet-stream', 'Dropbox-API-Result': JSON.stringify(meta) },
  })
}

/** A token endpoint success. */
export function tokenGranted(accessToken: string, expiresIn = 14_400): Response {
  return ok({ access_token: accessToken, token_type: 'bearer', expires_in: expiresIn })
}

/** A fake clock whose sleep advances time instantly. */
export function fakeClock(start = 1_000_000) {
  const clock = {
    time: start,
    slept: [] as number[],
    now: () => clock.time,
    sleep: async (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted()
      clock.slept.push(ms)
      clock.time += ms
      await Promise.resolve()
    },
    random: () => 0.5,
  }
  return clock
}

/** Secrets the test auth holds, to check they never leak. */
export const TEST_SECRETS = {
  accessToken: 'sl.ACCESS-TOKEN-0123456789abcdef',
  refreshToken: 'REFRESH-TOKEN-fedcba9876543210',
}

/** An auth with known tokens (fresh access token, refresh token) over the fake's fetch. */
export function testAuth(dbx: ScriptedDropbox, expiresInMs = 3_600_000): DropboxAuth {
  return new DropboxAuth({
    clientId: 'test-app',
    accessToken: TEST_SECRETS.accessToken,
    accessTokenExpiresAt: new Date(Date.now() + expiresInMs),
    refreshToken: TEST_SECRETS.refreshToken,
    fetch: dbx.fetch,
  })
}

/** A store over the fake with a fake clock. */
export function testStore(
  dbx: ScriptedDropbox,
  options: Partial<DropboxBlobStoreOptions> = {},
): { store: DropboxBlobStore; clock: ReturnType<typeof fakeClock> } {
  const clock = fakeClock()
  const store = new DropboxBlobStore({
    auth: testAuth(dbx),
    fetch: dbx.fetch,
    now: clock.now,
    sleep: clock.sleep,
    random: clock.random,
    ...options,
  })
  return { store, clock }
}

/** UTF-8 bytes. */
export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text)
}
