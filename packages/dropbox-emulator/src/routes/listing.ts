/**
 * `files/list_folder`, `/continue`, `/get_latest_cursor` and `/longpoll`.
 */
import { routeError, routeErrorOf } from '../api-error.ts'
import { Args } from '../args.ts'
import type { CursorState } from '../cursor.ts'
import { type Entry, metadata } from '../entries.ts'
import type { EmulatorState, Reply, RouteContext } from '../state.ts'

/** Dropbox's largest page. */
const MAX_LIMIT = 2000

/** `files/list_folder`. */
export async function listFolder(ctx: RouteContext): Promise<Reply> {
  const { state } = ctx
  const args = Args.of(ctx.route, 'request body', ctx.arg)
  const cursor = startCursor(state, args)
  const includeDeleted = args.boolean('include_deleted', false)
  const entries = state.namespace.select(cursor.folder, cursor.recursive, 0, includeDeleted)
  return { json: page(state, cursor, entries) }
}

/** `files/list_folder/continue`. */
export async function listFolderContinue(ctx: RouteContext): Promise<Reply> {
  const { state } = ctx
  const args = Args.of(ctx.route, 'request body', ctx.arg)
  const cursor = readCursor(state, args.string('cursor'))
  if (cursor.folder !== '' && state.namespace.live(cursor.folder)?.tag !== 'folder') {
    throw routeErrorOf(['path', 'not_found'])
  }
  const entries = state.namespace.select(cursor.folder, cursor.recursive, cursor.since, true)
  return { json: page(state, cursor, entries) }
}

/** `files/list_folder/get_latest_cursor`: a cursor at "now", without listing. */
export async function getLatestCursor(ctx: RouteContext): Promise<Reply> {
  const { state } = ctx
  const cursor = startCursor(state, Args.of(ctx.route, 'request body', ctx.arg))
  return { json: { cursor: state.cursors.encode({ ...cursor, since: state.namespace.seq }) } }
}

/** `files/list_folder/longpoll` (notify host, no Authorization header). */
export async function listFolderLongpoll(ctx: RouteContext): Promise<Reply> {
  const { state } = ctx
  const args = Args.of(ctx.route, 'request body', ctx.arg)
  const cursor = readCursor(state, args.string('cursor'))
  const timeout = args.integer('timeout', 30, 480, 30)
  let changes = state.namespace.select(cursor.folder, cursor.recursive, cursor.since, true).length > 0
  if (!changes) {
    const waitMs = Math.min(timeout * 1000, state.options.maxLongpollMs ?? Number.POSITIVE_INFINITY)
    changes = await state.waiters.wait(cursor.folder, cursor.recursive, waitMs, ctx.signal)
  }
  const backoff = state.options.longpollBackoffSeconds
  return { json: backoff === undefined ? { changes } : { changes, backoff } }
}

/** A cursor at the start of the folder a `list_folder`-style argument names. */
function startCursor(state: EmulatorState, args: Args): CursorState {
  const path = args.path('path', ['path'], 'allow')
  const recursive = args.boolean('recursive', false)
  const limit = args.integer('limit', 1, MAX_LIMIT, MAX_LIMIT)
  const folder =
    'id' in path
      ? state.namespace.byId(path.id)
      : path.lower === ''
        ? undefined
        : state.namespace.live(path.lower)
  if (folder?.tag === 'file') throw routeErrorOf(['path', 'not_folder'])
  if (!folder && ('id' in path || path.lower !== '')) throw routeErrorOf(['path', 'not_found'])
  return { generation: state.namespace.generation, folder: folder?.lower ?? '', recursive, since: 0, limit }
}

/** The state of a cursor; 409 `reset` when it is invalid or from before a wipe. */
function readCursor(state: EmulatorState, raw: string): CursorState {
  const cursor = state.cursors.decode(raw)
  if (!cursor || cursor.generation !== state.namespace.generation || cursor.since > state.namespace.seq) {
    throw routeError({ '.tag': 'reset' })
  }
  return cursor
}

/** One page of a listing and the cursor after it. */
function page(state: EmulatorState, cursor: CursorState, entries: Entry[]): Record<string, unknown> {
  const hasMore = entries.length > cursor.limit
  const shown = hasMore ? entries.slice(0, cursor.limit) : entries
  const since = hasMore ? (shown.at(-1)?.seq ?? cursor.since) : state.namespace.seq
  return {
    entries: shown.map(metadata),
    cursor: state.cursors.encode({ ...cursor, since }),
    has_more: hasMore,
  }
}
