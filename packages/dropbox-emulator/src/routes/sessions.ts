/**
 * Upload sessions: `files/upload_session/start`, `append_v2`, `finish` and `finish_batch_v2`.
 */
import { ApiError, routeError, type Tagged } from '../api-error.ts'
import { Args } from '../args.ts'
import { fileMetadata } from '../entries.ts'
import type { Reply, RouteContext } from '../state.ts'
import type { UploadSession, UploadSessions } from '../upload-sessions.ts'
import { checkContentHash, parseCommitInfo, parseContentHash, writeFile } from '../write.ts'

const HEADER = 'HTTP header "Dropbox-API-Arg"'

/** `files/upload_session/start`. */
export async function sessionStart(ctx: RouteContext): Promise<Reply> {
  const args = Args.of(ctx.route, HEADER, ctx.arg)
  const close = args.boolean('close', false)
  const expected = parseContentHash(args)
  if (ctx.tooLarge) throw routeError({ '.tag': 'payload_too_large' })
  checkContentHash(expected, ctx.body)
  return { json: { session_id: ctx.state.sessions.start(ctx.body, close).id } }
}

/** `files/upload_session/append_v2`: answers `null`. */
export async function sessionAppend(ctx: RouteContext): Promise<Reply> {
  const args = Args.of(ctx.route, HEADER, ctx.arg)
  const { session, offset } = readCursor(args)
  const close = args.boolean('close', false)
  const expected = parseContentHash(args)
  const { sessions } = ctx.state
  const failure = lookupFailure(sessions, session, offset, false)
  if (failure) throw routeError(failure)
  if (ctx.tooLarge) throw routeError({ '.tag': 'payload_too_large' })
  checkContentHash(expected, ctx.body)
  const found = sessions.get(session) as UploadSession
  if (found.closed) throw routeError({ '.tag': 'closed' })
  sessions.append(found, ctx.body)
  if (close) found.closed = true
  return { json: null }
}

/** `files/upload_session/finish`: the last bytes, then the commit. */
export async function sessionFinish(ctx: RouteContext): Promise<Reply> {
  const args = Args.of(ctx.route, HEADER, ctx.arg)
  const { session, offset } = readCursor(args)
  const info = parseCommitInfo(args.object('commit'), 'finish')
  const expected = parseContentHash(args)
  const { sessions } = ctx.state
  const failure = lookupFailure(sessions, session, offset, false)
  if (failure) throw routeError({ '.tag': 'lookup_failed', lookup_failed: failure })
  if (ctx.tooLarge) throw routeError({ '.tag': 'payload_too_large' })
  checkContentHash(expected, ctx.body)
  const found = sessions.get(session) as UploadSession
  if (found.closed && ctx.body.length > 0) {
    throw routeError({ '.tag': 'lookup_failed', lookup_failed: { '.tag': 'closed' } })
  }
  const data = Buffer.concat([...found.chunks, ctx.body])
  const entry = await writeFile(ctx.state, info, data, 'finish')
  sessions.take(found)
  return { json: fileMetadata(entry) }
}

/** `files/upload_session/finish_batch_v2`: commits up to 1000 closed sessions, one result each. */
export async function sessionFinishBatch(ctx: RouteContext): Promise<Reply> {
  const args = Args.of(ctx.route, 'request body', ctx.arg)
  const items = args.list('entries', 1000).map((raw, i) => {
    const entry = Args.of(ctx.route, `request body: entries[${i}]`, raw)
    return { cursor: readCursor(entry), info: parseCommitInfo(entry.object('commit'), 'finish') }
  })
  const { sessions } = ctx.state
  const results: Tagged[] = []
  for (const { cursor, info } of items) {
    const failure = lookupFailure(sessions, cursor.session, cursor.offset, true)
    if (failure) {
      results.push({ '.tag': 'failure', failure: { '.tag': 'lookup_failed', lookup_failed: failure } })
      continue
    }
    const found = sessions.get(cursor.session) as UploadSession
    try {
      const entry = await writeFile(ctx.state, info, Buffer.concat(found.chunks), 'finish')
      sessions.take(found)
      results.push({ '.tag': 'success', ...fileMetadata(entry) })
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 409) throw error
      results.push({ '.tag': 'failure', failure: (error.body as { error: Tagged }).error })
    }
  }
  return { json: { entries: results } }
}

function readCursor(args: Args): { session: string; offset: number } {
  const cursor = args.object('cursor')
  if (cursor.value.offset === undefined) throw cursor.fail('offset', 'missing required field')
  return {
    session: cursor.string('session_id'),
    offset: cursor.integer('offset', 0, Number.MAX_SAFE_INTEGER, -1),
  }
}

/** `UploadSessionLookupError` for a session id and offset, or undefined when they are right. */
function lookupFailure(
  sessions: UploadSessions,
  id: string,
  offset: number,
  mustBeClosed: boolean,
): Tagged | undefined {
  const session = sessions.get(id)
  if (!session) return { '.tag': 'not_found' }
  if (offset !== session.offset) return { '.tag': 'incorrect_offset', correct_offset: session.offset }
  if (mustBeClosed && !session.closed) return { '.tag': 'not_closed' }
  return undefined
}
