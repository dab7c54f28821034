/**
 * Path and cursor helpers shared by the blob store adapters. Paths are
 * absolute, `/`-separated and compared case-insensitively, like Dropbox's.
 */

import { CursorResetError, YDropboxError } from '../errors.ts'

/** Lower-cases and validates a file path (`/pool/devices/a.json`). */
export function normalizePath(path: string): string {
  const lower = path.toLowerCase()
  if (!lower.startsWith('/') || lower.length < 2 || lower.endsWith('/')) {
    throw new YDropboxError(`invalid file path "${path}": use an absolute path like /folder/name.ext`)
  }
  checkSegments(path, lower)
  return lower
}

/**
 * Lower-cases and validates a folder prefix; the root (`''` or `'/'`) becomes
 * `''`, any other folder loses its trailing slash (`/a/b/` → `/a/b`).
 */
export function normalizePrefix(prefix: string): string {
  let lower = prefix.toLowerCase()
  while (lower.endsWith('/')) lower = lower.slice(0, -1)
  if (lower === '') return ''
  if (!lower.startsWith('/')) {
    throw new YDropboxError(`invalid folder "${prefix}": use an absolute path like /folder`)
  }
  checkSegments(prefix, lower)
  return lower
}

/** True when `path` lies inside the folder `prefix` (as returned by `normalizePrefix`). */
export function isUnder(path: string, prefix: string): boolean {
  return prefix === '' || (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 47)
}

/** The parts of a listing cursor: which store made it, for which folder, at which position. */
export interface CursorParts {
  /** Identity of the store (and its generation) that issued the cursor. */
  store: string
  /** Position in the store's change log. */
  position: number
  /** Normalized folder prefix the cursor lists. */
  prefix: string
}

/** Encodes a cursor as an opaque string. */
export function encodeCursor(kind: string, parts: CursorParts): string {
  return `${kind}:${parts.store}:${parts.position}:${parts.prefix}`
}

/**
 * Decodes a cursor made by `encodeCursor` with the same `kind`. Throws
 * `CursorResetError` when it was made by another store or is malformed, so the
 * caller lists again from scratch.
 */
export function decodeCursor(kind: string, cursor: string, store: string): CursorParts {
  const [tag, id, position, ...rest] = cursor.split(':')
  const parsed = Number(position)
  if (tag !== kind || id === undefined || !Number.isSafeInteger(parsed) || parsed < 0 || rest.length === 0) {
    throw new CursorResetError('the listing cursor is not one this store issued; list the folder again')
  }
  if (id !== store) {
    throw new CursorResetError('the listing cursor has expired (the store was reset); list the folder again')
  }
  return { store: id, position: parsed, prefix: rest.join(':') }
}

/** The error a watch rejects with when its signal aborts. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('the operation was aborted', 'AbortError')
}

function checkSegments(original: string, lower: string): void {
  for (const segment of lower.slice(1).split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw new YDropboxError(`invalid path "${original}": empty, "." and ".." segments are not allowed`)
    }
  }
}
