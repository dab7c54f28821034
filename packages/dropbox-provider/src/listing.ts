/**
 * Recursive listings and change listings over `list_folder`,
 * `list_folder/continue` and `get_latest_cursor`, always complete: a page
 * that fails after its retries, or a cursor that stops advancing, fails the
 * whole listing.
 */

import type { BlobMeta } from '@y-dropbox/core'
import { CursorResetError, TransientError } from '@y-dropbox/core'
import type { files } from 'dropbox'
import type { DropboxCaller } from './caller.ts'
import { DropboxRouteError, MalformedResponseError } from './dropbox-errors.ts'
import type { Limiter } from './limiter.ts'
import { deletedMeta, fileMeta, isUnder, normalizeFolder, parentFolder } from './metadata.ts'

/** What a listing needs from the store. */
export interface ListingContext {
  /** Runs the calls. */
  caller: DropboxCaller
  /** Bounds concurrent reads. */
  reads: Limiter
  /** Entries per page (`limit`), 1..2000. */
  pageSize: number
}

/** A listing and the cursor to continue from. */
export interface Listing {
  /** Files (and, with a cursor, deletions) under the folder. */
  entries: BlobMeta[]
  /** Pass to `list` or `watch` later. */
  cursor: string
}

const CURSOR_TAG = 'dbx1'

/** Our cursor: the folder it lists plus Dropbox's cursor (which may belong to an ancestor folder). */
export function encodeCursor(folder: string, dropboxCursor: string): string {
  return `${CURSOR_TAG}:${encodeURIComponent(folder)}:${dropboxCursor}`
}

/** Splits a cursor made by {@link encodeCursor}; anything else throws `CursorResetError`. */
export function decodeCursor(cursor: string): { folder: string; dropboxCursor: string } {
  const first = cursor.indexOf(':')
  const second = cursor.indexOf(':', first + 1)
  if (first < 0 || second < 0 || cursor.slice(0, first) !== CURSOR_TAG || second === cursor.length - 1) {
    throw new CursorResetError(
      'the listing cursor is not one this Dropbox store issued; list the folder again',
    )
  }
  return {
    folder: decodeURIComponent(cursor.slice(first + 1, second)),
    dropboxCursor: cursor.slice(second + 1),
  }
}

/**
 * Lists `prefix` recursively. Without a cursor: every file, never deletions.
 * With one: what changed since, deletions included. A deleted entry may name a
 * folder, meaning that path and everything under it is gone (Dropbox's rule);
 * the deletion of an ancestor is reported at `prefix` itself.
 *
 * A folder that does not exist lists as empty. Its cursor is Dropbox's latest
 * cursor of the nearest existing ancestor (the root always exists), taken
 * before a second look at the folder so nothing created in between is
 * missed; changes outside `prefix` are filtered out when it is continued.
 */
export async function listFolder(ctx: ListingContext, prefix: string, cursor?: string): Promise<Listing> {
  const folder = normalizeFolder(prefix)
  if (cursor !== undefined) {
    const parts = decodeCursor(cursor)
    if (parts.folder !== folder) {
      throw new CursorResetError(
        `the cursor lists "${parts.folder}", not "${folder}"; list "${folder}" without a cursor`,
      )
    }
    const { entries, cursor: next } = await drain(ctx, parts.dropboxCursor, [], folder)
    return { entries: changesUnder(entries, folder), cursor: encodeCursor(folder, next) }
  }
  const first = await startListing(ctx, folder)
  if (first === undefined) {
    const ancestorCursor = await latestAncestorCursor(ctx, parentFolder(folder))
    const second = await startListing(ctx, folder)
    if (second === undefined) return { entries: [], cursor: encodeCursor(folder, ancestorCursor) }
    return finishListing(ctx, folder, second)
  }
  return finishListing(ctx, folder, first)
}

async function finishListing(
  ctx: ListingContext,
  folder: string,
  first: files.ListFolderResult,
): Promise<Listing> {
  const { entries, cursor } = first.has_more
    ? await drain(ctx, first.cursor, first.entries, folder)
    : { entries: first.entries, cursor: first.cursor }
  const out: BlobMeta[] = []
  for (const entry of entries) {
    if (entry['.tag'] !== 'file') continue
    const meta = fileMeta(entry, `a listing of ${folder || '/'}`)
    if (isUnder(meta.path, folder)) out.push(meta)
  }
  return { entries: out, cursor: encodeCursor(folder, cursor) }
}

/** The first page, or `undefined` when the folder does not exist. */
async function startListing(
  ctx: ListingContext,
  folder: string,
): Promise<files.ListFolderResult | undefined> {
  try {
    return await ctx.reads.run(() =>
      ctx.caller.call(`list ${folder || '/'}`, async ({ options }) =>
        checkPage(
          (
            await ctx.caller.sdk.filesListFolder(
              { path: folder, recursive: true, limit: ctx.pageSize, include_deleted: false },
              options,
            )
          ).result,
        ),
      ),
    )
  } catch (error) {
    if (error instanceof DropboxRouteError && error.has('not_found')) return undefined
    throw error
  }
}

/** Dropbox's latest cursor for the nearest existing folder at or above `folder`. */
async function latestAncestorCursor(ctx: ListingContext, folder: string): Promise<string> {
  for (let current = folder; ; current = parentFolder(current)) {
    try {
      return await ctx.reads.run(() =>
        ctx.caller.call(`get the latest cursor of ${current || '/'}`, async ({ options }) => {
          const { result } = await ctx.caller.sdk.filesListFolderGetLatestCursor(
            { path: current, recursive: true, include_deleted: false },
            options,
          )
          if (typeof result?.cursor !== 'string') throw new MalformedResponseError('Dropbox sent no cursor')
          return result.cursor
        }),
      )
    } catch (error) {
      if (current !== '' && error instanceof DropboxRouteError && error.has('not_found')) continue
      throw error
    }
  }
}

/** Follows `list_folder/continue` from `cursor` until `has_more` is false. */
async function drain(
  ctx: ListingContext,
  cursor: string,
  initial: files.ListFolderResult['entries'],
  folder: string,
): Promise<{ entries: files.ListFolderResult['entries']; cursor: string }> {
  const entries = [...initial]
  let current = cursor
  for (;;) {
    const from = current
    const page = await ctx.reads.run(() =>
      ctx.caller.call(`list ${folder || '/'} (continue)`, async ({ options }) =>
        checkPage((await ctx.caller.sdk.filesListFolderContinue({ cursor: from }, options)).result),
      ),
    )
    entries.push(...page.entries)
    if (!page.has_more) return { entries, cursor: page.cursor }
    if (page.cursor === from) {
      throw new TransientError(
        `Dropbox's listing of ${folder || '/'} did not advance (same cursor with more entries pending); list again later`,
      )
    }
    current = page.cursor
  }
}

function checkPage(result: files.ListFolderResult): files.ListFolderResult {
  if (!result || !Array.isArray(result.entries) || typeof result.cursor !== 'string') {
    throw new MalformedResponseError('Dropbox sent an incomplete listing page')
  }
  return result
}

function changesUnder(entries: files.ListFolderResult['entries'], folder: string): BlobMeta[] {
  const out: BlobMeta[] = []
  for (const entry of entries) {
    const path = entry.path_lower
    if (typeof path !== 'string') continue
    if (entry['.tag'] === 'file') {
      if (isUnder(path, folder)) out.push(fileMeta(entry, `a listing of ${folder || '/'}`))
    } else if (entry['.tag'] === 'deleted') {
      if (path === folder || isUnder(path, folder)) out.push(deletedMeta(path))
      else if (isUnder(folder, path)) out.push(deletedMeta(folder))
    }
  }
  return out
}
