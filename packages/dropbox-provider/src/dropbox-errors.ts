/**
 * Reading the SDK's failures: HTTP status, Dropbox's nested error tags,
 * `Retry-After`, and network failures from `fetch`.
 */

import { YDropboxError } from '@y-dropbox/core'

/** The shape of the SDK's `DropboxResponseError` (matched by shape: the SDK ships two builds). */
export interface SdkResponseError {
  status: number
  headers?: { get?(name: string): string | null } | Record<string, unknown>
  error: unknown
}

/** True when `error` is an HTTP error response from the SDK. */
export function isResponseError(error: unknown): error is SdkResponseError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { status?: unknown }).status === 'number' &&
    'error' in error
  )
}

/**
 * The chain of union tags of a Dropbox error value, outermost first:
 * `{".tag":"path","path":{".tag":"conflict","conflict":{".tag":"file"}}}` gives
 * `['path', 'conflict', 'file']`. Upload errors nest their write error under `reason`.
 */
export function tagsOf(value: unknown): string[] {
  const tags: string[] = []
  let node = value
  for (let depth = 0; depth < 8 && node && typeof node === 'object' && '.tag' in node; depth++) {
    const record = node as Record<string, unknown>
    const tag = String(record['.tag'])
    tags.push(tag)
    node = record[tag] ?? record.reason
  }
  return tags
}

/** The tags of an SDK error body: from its `error` union, else from `error_summary`. */
export function responseTags(error: SdkResponseError): string[] {
  const body = error.error as { error?: unknown; error_summary?: unknown } | string | undefined
  if (body && typeof body === 'object') {
    const tags = tagsOf(body.error)
    if (tags.length > 0) return tags
    if (typeof body.error_summary === 'string') return summaryTags(body.error_summary)
    // The token endpoint answers `{"error": "invalid_grant", ...}`.
    if (typeof body.error === 'string') return [body.error]
  }
  return []
}

/** `path/conflict/file/..` → `['path', 'conflict', 'file']`. */
export function summaryTags(summary: string): string[] {
  return summary.split('/').filter((part) => part !== '' && part !== '..' && !part.startsWith('.'))
}

/** A short, token-free description of an SDK error body for messages. */
export function describeResponse(error: SdkResponseError): string {
  const tags = responseTags(error)
  if (tags.length > 0) return `${error.status} ${tags.join('/')}`
  const text = typeof error.error === 'string' ? error.error.slice(0, 200) : ''
  return text ? `${error.status} ${text}` : `${error.status}`
}

/**
 * How long the server asked us to wait, in ms: the `Retry-After` header
 * (seconds or an HTTP date), else a `retry_after` field of the body.
 */
export function retryAfterMs(error: SdkResponseError, now = Date.now()): number | undefined {
  const headers = error.headers as { get?(name: string): string | null } | undefined
  const header = typeof headers?.get === 'function' ? headers.get('retry-after') : undefined
  if (header != null && header !== '') {
    const seconds = Number(header)
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
    const date = Date.parse(header)
    if (!Number.isNaN(date)) return Math.max(0, date - now)
  }
  const body = error.error as { error?: { retry_after?: unknown }; retry_after?: unknown } | undefined
  const field = body && typeof body === 'object' ? (body.error?.retry_after ?? body.retry_after) : undefined
  return typeof field === 'number' && Number.isFinite(field) ? Math.max(0, field * 1000) : undefined
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
])

/**
 * True for a failure of the transport rather than of Dropbox: fetch's
 * `TypeError` ("fetch failed", "Failed to fetch", "terminated" for a body cut
 * short), socket error codes, and request timeouts. Programming errors
 * (other `TypeError`s) are not matched.
 */
export function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  if (error.name === 'TimeoutError') return true
  const code = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true
  return (
    error instanceof TypeError &&
    /fetch failed|failed to fetch|networkerror|network error|load failed|terminated|socket|other side closed/i.test(
      error.message,
    )
  )
}

/** True for the rejection of an aborted request or wait. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError'
}

/**
 * A Dropbox route error (HTTP 409) that the calling operation interprets:
 * `not_found`, `conflict` and the like. `ambiguous` tells whether an earlier
 * attempt of the same call may have taken effect (its response was lost).
 */
export class DropboxRouteError extends YDropboxError {
  constructor(
    /** What was being done, e.g. `upload /a/b.ydu`. */
    readonly operation: string,
    /** Dropbox's error tags, outermost first (`['path', 'conflict', 'file']`). */
    readonly tags: string[],
    /** True when an earlier attempt of this call failed in a way that may hide its success. */
    readonly ambiguous: boolean,
    options?: { cause?: unknown },
  ) {
    super(`Dropbox refused ${operation}: ${tags.join('/') || 'unknown error'}`, options)
  }

  /** True when `tag` appears anywhere in the chain. */
  has(tag: string): boolean {
    return this.tags.includes(tag)
  }
}

/**
 * Thrown inside an attempt when the bytes Dropbox reports do not hash to what
 * was sent or received; the attempt is retried a few times, then reported.
 */
export class HashMismatchError extends YDropboxError {
  constructor(
    /** The file whose hash did not match. */
    readonly path: string,
    /** Which way the bytes travelled. */
    readonly direction: 'upload' | 'download',
  ) {
    super(
      `Dropbox's content hash of ${path} does not match the bytes ${direction === 'upload' ? 'sent' : 'received'}`,
    )
  }
}

/** Thrown inside an attempt when a 2xx response does not have the expected shape (a truncated body). */
export class MalformedResponseError extends YDropboxError {}
