/**
 * Errors in Dropbox's wire shapes. Handlers throw {@link ApiError}; the server turns it into
 * the status, headers and body Dropbox would send.
 */

/** A tagged-union value as Dropbox serialises it: `{".tag": "name", ...fields}`. */
export type Tagged = { '.tag': string; [field: string]: unknown }

/** An error response: status, body and extra headers. */
export class ApiError extends Error {
  constructor(
    /** HTTP status (400, 401, 404, 409, 429, 500...). */
    readonly status: number,
    /** JSON value or plain text sent as the body. */
    readonly body: unknown,
    /** Extra response headers (e.g. `Retry-After`). */
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body))
    this.name = 'ApiError'
  }
}

/**
 * Builds the nested union for a chain of tags, the way Dropbox nests a union inside a union
 * variant: `tagChain(['path', 'not_found'])` is `{".tag":"path","path":{".tag":"not_found"}}`.
 * Extra fields go on the innermost value.
 */
export function tagChain(tags: readonly string[], innermost: Record<string, unknown> = {}): Tagged {
  const [first, ...rest] = tags
  if (first === undefined) throw new Error('tagChain needs at least one tag')
  if (rest.length === 0) return { '.tag': first, ...innermost }
  return { '.tag': first, [first]: tagChain(rest, innermost) }
}

/** `error_summary` of a union value: its tags joined by `/`, then `/..`. */
export function summaryOf(error: Tagged): string {
  const tags: string[] = []
  let node: unknown = error
  while (node && typeof node === 'object' && '.tag' in node) {
    const tag = String((node as Tagged)['.tag'])
    tags.push(tag)
    const record = node as Record<string, unknown>
    // A union variant holding a struct flattens the struct's fields; `reason` is UploadWriteFailed's.
    node = record[tag] ?? record.reason
  }
  return `${tags.join('/')}/..`
}

/** A 409 route error with `error` as the union value. */
export function routeError(error: Tagged, headers: Record<string, string> = {}): ApiError {
  return new ApiError(409, { error_summary: summaryOf(error), error }, headers)
}

/** A 409 route error for a chain of tags, e.g. `['path', 'not_found']`. */
export function routeErrorOf(tags: readonly string[], innermost?: Record<string, unknown>): ApiError {
  return routeError(tagChain(tags, innermost))
}

/** A 400 with Dropbox's plain-text body: `Error in call to API function "<route>": <message>`. */
export function badRequest(route: string, message: string): ApiError {
  return new ApiError(400, `Error in call to API function "${route}": ${message}`)
}

/** A 401 with `{error_summary, error: {".tag": tag}}`. */
export function authError(tag: 'expired_access_token' | 'invalid_access_token' | 'missing_scope'): ApiError {
  return new ApiError(401, { error_summary: `${tag}/..`, error: { '.tag': tag } })
}
