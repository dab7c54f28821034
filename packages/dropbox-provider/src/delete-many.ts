/**
 * Deleting many files in one write: `files/delete_batch` (≤ 1,000 paths per
 * job), then `files/delete_batch/check` until the job completes, checking
 * every entry's result. A single path uses `files/delete_v2`.
 */

import { TransientError, YDropboxError } from '@y-dropbox/core'
import type { files } from 'dropbox'
import type { DropboxCaller } from './caller.ts'
import { MalformedResponseError, tagsOf } from './dropbox-errors.ts'
import { deleteFile } from './file-ops.ts'
import { normalizePath } from './metadata.ts'
import { RetryBudget } from './retry.ts'

/** Dropbox's limit of entries per `delete_batch`. */
export const MAX_DELETE_BATCH = 1000

/** Deletes `paths`; paths that do not exist are ignored. Throws when Dropbox refuses any other. */
export async function deleteFiles(
  caller: DropboxCaller,
  paths: readonly string[],
  pollIntervalMs: number,
): Promise<void> {
  const unique = [...new Set(paths.map(normalizePath))]
  if (unique.length === 0) return
  if (unique.length === 1) return deleteFile(caller, unique[0]!)
  for (let start = 0; start < unique.length; start += MAX_DELETE_BATCH) {
    await deleteChunk(caller, unique.slice(start, start + MAX_DELETE_BATCH), pollIntervalMs)
  }
}

async function deleteChunk(caller: DropboxCaller, paths: string[], pollIntervalMs: number): Promise<void> {
  const budget = new RetryBudget(caller.timing, `delete of ${paths.length} files`)
  let pending = paths
  while (pending.length > 0) {
    const entries = await runBatch(caller, pending, pollIntervalMs)
    const redo: string[] = []
    for (const [k, entry] of (entries ?? []).entries()) {
      if (entry['.tag'] === 'success') continue
      const path = pending[k]!
      const tags = tagsOf((entry as files.DeleteBatchResultEntryFailure).failure)
      if (tags.includes('not_found')) continue
      if (tags.includes('too_many_write_operations')) redo.push(path)
      else throw new YDropboxError(`Dropbox refused to delete ${path}: ${tags.join('/') || 'unknown error'}`)
    }
    // A job that failed as a whole (write lock) is retried whole.
    pending = entries === undefined ? pending : redo
    if (pending.length > 0) {
      await budget.wait({ reason: 'write-lock', describe: 'write lock contention', cause: undefined })
    }
  }
}

/** Runs one batch job; its per-path results, or `undefined` when the whole job hit the write lock. */
async function runBatch(
  caller: DropboxCaller,
  paths: string[],
  pollIntervalMs: number,
): Promise<files.DeleteBatchResultEntry[] | undefined> {
  const operation = `delete of ${paths.length} files`
  const launch = await caller.call(operation, async ({ options }) => {
    const { result } = await caller.sdk.filesDeleteBatch(
      { entries: paths.map((path) => ({ path })) },
      options,
    )
    if (!result || typeof result['.tag'] !== 'string')
      throw new MalformedResponseError('Dropbox sent no batch job')
    return result
  })
  if (launch['.tag'] === 'complete') return checkEntries(launch.entries, paths.length)
  if (launch['.tag'] !== 'async_job_id')
    throw new TransientError(`Dropbox could not start the ${operation}; try again`)
  const jobId = launch.async_job_id
  const timing = caller.timing
  const started = timing.now()
  for (let poll = 0; ; poll++) {
    // Small jobs finish quickly: poll soon at first, then every `pollIntervalMs`.
    await timing.sleep(Math.min(pollIntervalMs, 50 * 2 ** poll))
    const status = await caller.call(`check of ${operation}`, async ({ options }) => {
      const { result } = await caller.sdk.filesDeleteBatchCheck({ async_job_id: jobId }, options)
      if (!result || typeof result['.tag'] !== 'string')
        throw new MalformedResponseError('Dropbox sent no job status')
      return result
    })
    switch (status['.tag']) {
      case 'complete':
        return checkEntries((status as files.DeleteBatchJobStatusComplete).entries, paths.length)
      case 'in_progress':
        if (timing.now() - started > timing.maxRetryTimeMs) {
          throw new TransientError(`Dropbox's ${operation} is still running; try again later`)
        }
        continue
      case 'failed': {
        const tags = tagsOf((status as files.DeleteBatchJobStatusFailed).failed)
        if (tags.includes('too_many_write_operations')) return undefined
        throw new TransientError(
          `Dropbox's ${operation} failed (${tags.join('/') || 'unknown'}); try again later`,
        )
      }
      default:
        throw new TransientError(`Dropbox's ${operation} ended in an unknown state; try again later`)
    }
  }
}

function checkEntries(entries: files.DeleteBatchResultEntry[] | undefined, expected: number) {
  if (!Array.isArray(entries) || entries.length !== expected) {
    throw new TransientError('Dropbox sent an incomplete delete batch result; try again')
  }
  return entries
}
