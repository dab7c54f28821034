/**
 * `files/upload`, `files/download`, `files/get_metadata`, `files/delete_v2`,
 * `files/delete_batch` and `files/delete_batch/check`.
 */
import { badRequest, routeError, routeErrorOf, type Tagged, tagChain } from '../api-error.ts'
import { Args, type PathArg } from '../args.ts'
import { type Entry, fileMetadata, type LiveEntry, metadata } from '../entries.ts'
import { LookupFailure, WriteFailure } from '../namespace.ts'
import type { EmulatorState, Reply, RouteContext } from '../state.ts'
import { checkContentHash, parseCommitInfo, parseContentHash, writeFile } from '../write.ts'

/** `files/upload`: one call, up to the upload limit. */
export async function upload(ctx: RouteContext): Promise<Reply> {
  const args = Args.of(ctx.route, 'HTTP header "Dropbox-API-Arg"', ctx.arg)
  const info = parseCommitInfo(args, 'upload')
  const expected = parseContentHash(args)
  if (ctx.tooLarge) throw routeError({ '.tag': 'payload_too_large' })
  const hash = checkContentHash(expected, ctx.body)
  const entry = await writeFile(ctx.state, info, ctx.body, 'upload', hash)
  return { json: fileMetadata(entry) }
}

/** `files/download`: bytes in the body, metadata in `Dropbox-API-Result`. */
export async function download(ctx: RouteContext): Promise<Reply> {
  const args = Args.of(ctx.route, 'HTTP header "Dropbox-API-Arg"', ctx.arg)
  const target = lookup(ctx.state, args.path('path', ['path'], 'allow'))
  if (!target) throw routeErrorOf(['path', 'not_found'])
  if (target.tag !== 'file') throw routeErrorOf(['path', 'not_file'])
  const bytes = await ctx.state.content.get(target.contentHash)
  if (!bytes) throw routeErrorOf(['path', 'not_found'])
  return {
    body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    headers: {
      'Content-Type': 'application/octet-stream',
      'Dropbox-API-Result': headerSafeJson(fileMetadata(target)),
    },
  }
}

/** `files/get_metadata`. */
export async function getMetadata(ctx: RouteContext): Promise<Reply> {
  const args = Args.of(ctx.route, 'request body', ctx.arg)
  const path = args.path('path', ['path'], 'refuse')
  const includeDeleted = args.boolean('include_deleted', false)
  const entry: Entry | undefined =
    'id' in path ? ctx.state.namespace.byId(path.id) : ctx.state.namespace.get(path.lower)
  if (!entry || (entry.tag === 'deleted' && !includeDeleted)) throw routeErrorOf(['path', 'not_found'])
  return { json: metadata(entry) }
}

/** `files/delete_v2`. */
export async function deleteV2(ctx: RouteContext): Promise<Reply> {
  const args = Args.of(ctx.route, 'request body', ctx.arg)
  const result = deleteOne(ctx.state, args)
  if ('failure' in result) throw routeError(result.failure)
  await ctx.state.durable()
  return { json: { metadata: result.metadata } }
}

/** `files/delete_batch`: deletes at once, reports through an async job id. */
export async function deleteBatch(ctx: RouteContext): Promise<Reply> {
  const args = Args.of(ctx.route, 'request body', ctx.arg)
  const entries = args
    .list('entries', 1000)
    .map((e, i) => Args.of(ctx.route, `request body: entries[${i}]`, e))
  for (const e of entries) parseDeleteArg(e) // refuse bad input before deleting anything
  const results = entries.map((e) => {
    const r = deleteOne(ctx.state, e)
    return 'failure' in r
      ? { '.tag': 'failure', failure: r.failure }
      : { '.tag': 'success', metadata: r.metadata }
  })
  await ctx.state.durable()
  const id = ctx.state.addJob({ '.tag': 'complete', entries: results })
  return { json: { '.tag': 'async_job_id', async_job_id: id } }
}

/** `files/delete_batch/check`. */
export async function deleteBatchCheck(ctx: RouteContext): Promise<Reply> {
  const args = Args.of(ctx.route, 'request body', ctx.arg)
  const result = ctx.state.pollJob(args.string('async_job_id'))
  if (result === undefined) throw routeError({ '.tag': 'invalid_async_job_id' })
  return { json: result === 'in_progress' ? { '.tag': 'in_progress' } : result }
}

/** The live file or folder a path argument names. */
export function lookup(state: EmulatorState, path: PathArg): LiveEntry | undefined {
  return 'id' in path ? state.namespace.byId(path.id) : state.namespace.live(path.lower)
}

/** JSON with every non-ASCII character escaped as `\uXXXX`, as HTTP headers need. */
export function headerSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}

function parseDeleteArg(args: Args): { target: PathArg; parentRev?: string } {
  const target = args.path('path', ['path_lookup'], 'refuse')
  const parentRev = args.optionalString('parent_rev')
  if (parentRev !== undefined && !/^[0-9a-f]{9,}$/.test(parentRev)) {
    throw badRequest(args.route, `parent_rev: '${parentRev}' did not match pattern '[0-9a-f]+'`)
  }
  return parentRev === undefined ? { target } : { target, parentRev }
}

function deleteOne(
  state: EmulatorState,
  args: Args,
): { metadata: Record<string, unknown> } | { failure: Tagged } {
  const { target, parentRev } = parseDeleteArg(args)
  const entry = lookup(state, target)
  if (!entry) return { failure: tagChain(['path_lookup', 'not_found']) }
  try {
    return { metadata: metadata(state.namespace.delete(entry.lower, parentRev)) }
  } catch (error) {
    if (error instanceof LookupFailure) return { failure: tagChain(['path_lookup', error.reason]) }
    if (error instanceof WriteFailure) return { failure: tagChain(['path_write', 'conflict', error.reason]) }
    throw error
  }
}
