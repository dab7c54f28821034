/** Identifiers: device ids, epoch ids and pool ids are random, lower case (Dropbox lower-cases paths). */
import { CorruptBlobError } from './errors.ts'
import { idRandomBytes } from './platform.ts'

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'
const ID_PATTERN = /^[a-z0-9]{8,32}$/

/**
 * A random lower-case alphanumeric id; 16 characters carry about 82 bits.
 * Apps may use it to name new documents (`engine.doc(randomId())`).
 */
export function randomId(length = 16): string {
  const bytes = idRandomBytes(length)
  let out = ''
  // 252 = 7 * 36: rejecting bytes above it keeps every character equally likely.
  for (const b of bytes) out += b < 252 ? ALPHABET[b % 36] : ALPHABET[Math.floor(Math.random() * 36)]
  return out
}

/** True when `id` is a well-formed device, epoch or pool id. */
export function isValidId(id: unknown): id is string {
  return typeof id === 'string' && ID_PATTERN.test(id)
}

/** Longest document id accepted, in UTF-16 code units. */
export const MAX_DOC_ID_LENGTH = 256

/** Throws a `TypeError` for document ids the engine cannot store. */
export function assertDocId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_DOC_ID_LENGTH) {
    throw new TypeError(
      `y-dropbox: document ids must be non-empty strings of at most ${MAX_DOC_ID_LENGTH} characters, got ${describe(id)}`,
    )
  }
}

/** Checks an id read from remote data, naming where it came from. */
export function checkRemoteId(id: unknown, what: string, path?: string): string {
  if (!isValidId(id)) throw new CorruptBlobError(`${what} is not a valid id: ${describe(id)}`, path)
  return id
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  return typeof value
}
