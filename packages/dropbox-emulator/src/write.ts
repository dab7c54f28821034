/**
 * File writes shared by `files/upload` and the upload-session finish routes: argument
 * parsing (`CommitInfo`), content checks, storing the bytes and committing the metadata.
 */
import { type ApiError, routeError, type Tagged, tagChain } from './api-error.ts'
import type { Args } from './args.ts'
import { dropboxContentHash } from './content-hash.ts'
import type { FileEntry } from './entries.ts'
import { type CommitRequest, WriteFailure, type WriteMode } from './namespace.ts'
import type { ParsedPath } from './paths.ts'
import type { EmulatorState } from './state.ts'

/** How a write error is wrapped: `files/upload` (UploadWriteFailed) or a session finish (WriteError). */
export type WriteErrorForm = 'upload' | 'finish'

/** A parsed `CommitInfo` (the upload arguments). */
export type CommitInfo = Omit<CommitRequest, 'size' | 'contentHash'>

const REV = /^[0-9a-f]{9,}$/
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/

/** Reads `path`, `mode`, `autorename`, `client_modified` and `strict_conflict`. */
export function parseCommitInfo(args: Args, form: WriteErrorForm): CommitInfo {
  const path = args.path('path', (t) => writeError(t, form), 'refuse')
  if ('id' in path)
    throw args.fail('path', `'${path.id}' did not match pattern '(/(.|[\\r\\n])*)|(ns:[0-9]+(/.*)?)'`)
  const info: CommitInfo = {
    path: path as ParsedPath,
    mode: parseMode(args),
    autorename: args.boolean('autorename', false),
    strictConflict: args.boolean('strict_conflict', false),
  }
  args.boolean('mute', false)
  const clientModified = args.optionalString('client_modified')
  if (clientModified !== undefined) {
    if (!TIME.test(clientModified)) {
      throw args.fail(
        'client_modified',
        `time data '${clientModified}' does not match format '%Y-%m-%dT%H:%M:%SZ'`,
      )
    }
    info.clientModified = clientModified
  }
  return info
}

/** Reads an optional `content_hash` argument (exactly 64 characters, as Dropbox requires). */
export function parseContentHash(args: Args): string | undefined {
  const hash = args.optionalString('content_hash')
  if (hash === undefined) return undefined
  if (hash.length < 64)
    throw args.fail('content_hash', `'${hash}' must be at least 64 characters, got ${hash.length}`)
  if (hash.length > 64)
    throw args.fail('content_hash', `'${hash}' must be at most 64 characters, got ${hash.length}`)
  return hash
}

/** 409 `content_hash_mismatch` unless `expected` is absent or equals the hash of `data`. */
export function checkContentHash(expected: string | undefined, data: Uint8Array): string {
  const actual = dropboxContentHash(data)
  if (expected !== undefined && expected.toLowerCase() !== actual) {
    throw routeError({ '.tag': 'content_hash_mismatch' })
  }
  return actual
}

/** Stores `data` and commits it at `info.path`; throws the route's 409 on a conflict. */
export async function writeFile(
  state: EmulatorState,
  info: CommitInfo,
  data: Uint8Array,
  form: WriteErrorForm,
  contentHash = dropboxContentHash(data),
): Promise<FileEntry> {
  const release = await state.content.put(contentHash, data)
  try {
    const { entry } = state.namespace.commit({ ...info, size: data.length, contentHash })
    await state.durable()
    return entry
  } catch (error) {
    if (error instanceof WriteFailure) throw writeError(tagChain(['conflict', error.reason]), form)
    throw error
  } finally {
    release()
  }
}

/** Wraps a `WriteError` value the way the route reports it. */
export function writeError(reason: Tagged, form: WriteErrorForm): ApiError {
  return routeError(writeErrorValue(reason, form))
}

/** The union value of a write error in the route's form. */
export function writeErrorValue(reason: Tagged, form: WriteErrorForm): Tagged {
  return form === 'upload'
    ? { '.tag': 'path', reason, upload_session_id: '' }
    : { '.tag': 'path', path: reason }
}

function parseMode(args: Args): WriteMode {
  const raw = args.value.mode
  if (raw === undefined || raw === null) return { kind: 'add' }
  const tag = typeof raw === 'string' ? raw : (raw as Tagged)['.tag']
  if (tag === 'add' || tag === 'overwrite') return { kind: tag }
  if (tag === 'update' && typeof raw === 'object') {
    const rev = (raw as Tagged).update
    if (typeof rev !== 'string' || !REV.test(rev)) {
      throw args.fail(
        'mode',
        `update: '${String(rev)}' did not match pattern '[0-9a-f]+' (at least 9 characters)`,
      )
    }
    return { kind: 'update', rev }
  }
  throw args.fail('mode', `unknown tag '${String(tag)}'`)
}
