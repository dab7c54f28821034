/**
 * Many files in one commit: each file goes up in its own upload session
 * (`upload_session/start` with `close`, in parallel: uploads do not take
 * Dropbox's namespace write lock), then one `upload_session/finish_batch_v2`
 * commits up to 1,000 of them at once.
 */

import type { BlobMeta, PutMode } from '@y-dropbox/core'
import { contentHash, QuotaError, YDropboxError } from '@y-dropbox/core'
import type { files } from 'dropbox'
import type { DropboxCaller } from './caller.ts'
import { MalformedResponseError, tagsOf } from './dropbox-errors.ts'
import { checkUploadSize, conflictError, dropboxMode, statFile } from './file-ops.ts'
import { mapLimited } from './limiter.ts'
import { fileMeta, normalizePath } from './metadata.ts'
import { type RetryableFailure, RetryBudget } from './retry.ts'

/** One file of a `putMany` call. */
export interface PutManyFile {
  /** Absolute path. */
  path: string
  /** The bytes to store. */
  data: Uint8Array
  /** How an existing file is treated, as in `put`. */
  mode: PutMode
}

/** Dropbox's limit of entries per `finish_batch_v2`. */
export const MAX_BATCH = 1000

interface Item {
  path: string
  data: Uint8Array
  mode: PutMode
  hash: string
}

/**
 * Stores every file and returns their metadata in input order. Not atomic:
 * when some files fail for good (a conflict), the others are still committed
 * and the first failure is thrown at the end.
 */
export async function putManyFiles(
  caller: DropboxCaller,
  files: readonly PutManyFile[],
  uploadConcurrency: number,
): Promise<BlobMeta[]> {
  const items: Item[] = []
  const seen = new Set<string>()
  for (const file of files) {
    const path = normalizePath(file.path)
    if (seen.has(path)) throw new YDropboxError(`putMany got ${path} twice; pass each path once`)
    seen.add(path)
    checkUploadSize(path, file.data)
    items.push({ path, data: file.data, mode: file.mode, hash: '' })
  }
  await mapLimited(items, 4, async (item) => {
    item.hash = await contentHash(item.data)
  })
  const results: BlobMeta[] = new Array(items.length)
  const failures: unknown[] = []
  for (let start = 0; start < items.length; start += MAX_BATCH) {
    const indices = Array.from({ length: Math.min(MAX_BATCH, items.length - start) }, (_, k) => start + k)
    await commitChunk(caller, items, indices, uploadConcurrency, results, failures)
  }
  if (failures.length > 0) throw failures[0]
  return results
}

async function commitChunk(
  caller: DropboxCaller,
  items: Item[],
  indices: number[],
  uploadConcurrency: number,
  results: BlobMeta[],
  failures: unknown[],
): Promise<void> {
  const budget = new RetryBudget(caller.timing, `commit of ${indices.length} files`)
  let pending = indices
  while (pending.length > 0) {
    const sessions = await mapLimited(pending, uploadConcurrency, (i) => startSession(caller, items[i]!))
    const batch = pending
    const { entries, ambiguous } = await caller.call(
      `commit of ${batch.length} files`,
      async ({ options, ambiguous }) => {
        const { result } = await caller.sdk.filesUploadSessionFinishBatchV2(
          { entries: batch.map((i, k) => finishArg(items[i]!, sessions[k]!)) },
          options,
        )
        if (!Array.isArray(result?.entries) || result.entries.length !== batch.length) {
          throw new MalformedResponseError('Dropbox sent an incomplete batch commit result')
        }
        return { entries: result.entries, ambiguous }
      },
    )
    const redo: number[] = []
    let lastFailure: RetryableFailure | undefined
    for (const [k, entry] of entries.entries()) {
      const i = batch[k]!
      const item = items[i]!
      if (entry['.tag'] === 'success') {
        const meta = fileMeta(entry, item.path)
        if (meta.contentHash === item.hash) results[i] = meta
        else {
          redo.push(i)
          lastFailure = {
            reason: 'content-hash-mismatch',
            describe: `content hash mismatch on ${item.path}`,
            cause: entry,
          }
        }
        continue
      }
      const tags = tagsOf((entry as files.UploadSessionFinishBatchResultEntryFailure).failure)
      if (tags.includes('insufficient_space')) {
        throw new QuotaError('the Dropbox account is full; free some space in Dropbox, then sync again', {
          cause: entry,
        })
      }
      if (tags.includes('too_many_write_operations') || tags.includes('content_hash_mismatch')) {
        redo.push(i)
        const reason = tags.includes('content_hash_mismatch') ? 'content-hash-mismatch' : 'write-lock'
        lastFailure = { reason, describe: tags.join('/'), cause: entry }
        continue
      }
      const lookupFailed = tags[0] === 'lookup_failed'
      const conflict = tags.includes('conflict')
      if (lookupFailed || conflict) {
        // A lost response of an earlier commit may have stored this file already: the same bytes there mean done.
        if (lookupFailed || item.mode === 'add' || ambiguous) {
          const current = await statFile(caller, item.path)
          if (current && current.contentHash === item.hash) {
            results[i] = current
            continue
          }
        }
        if (conflict) failures.push(conflictError(item.path, item.mode, entry))
        else {
          // The session expired or was used up: upload the bytes again.
          redo.push(i)
          lastFailure = { reason: 'batch-entry', describe: tags.join('/'), cause: entry }
        }
        continue
      }
      failures.push(
        new YDropboxError(`Dropbox refused to store ${item.path}: ${tags.join('/') || 'unknown error'}`),
      )
    }
    pending = redo
    if (redo.length > 0) {
      await budget.wait(
        lastFailure ?? { reason: 'batch-entry', describe: 'batch entries failed', cause: undefined },
      )
    }
  }
}

async function startSession(caller: DropboxCaller, item: Item): Promise<string> {
  return caller.call(
    `upload ${item.path} (session)`,
    async ({ options }) => {
      const { result } = await caller.sdk.filesUploadSessionStart(
        { close: true, contents: item.data, content_hash: item.hash },
        options,
      )
      if (typeof result?.session_id !== 'string') {
        throw new MalformedResponseError('Dropbox sent no upload session id')
      }
      return result.session_id
    },
    { timeoutMs: caller.timeoutFor(item.data.length) },
  )
}

function finishArg(item: Item, sessionId: string): files.UploadSessionFinishArg {
  return {
    cursor: { session_id: sessionId, offset: item.data.length },
    commit: {
      path: item.path,
      mode: dropboxMode(item.mode),
      autorename: false,
      mute: true,
      strict_conflict: false,
    },
    content_hash: item.hash,
  }
}
