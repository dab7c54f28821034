/**
 * Single-file operations: upload, metadata, delete. Writes are idempotent by
 * construction: a write whose lost response hid its success is recognised by
 * the content hash now at the path, never reported as a conflict.
 */

import type { BlobMeta, PutMode } from '@y-dropbox/core'
import { ConflictError, YDropboxError } from '@y-dropbox/core'
import type { files } from 'dropbox'
import type { DropboxCaller } from './caller.ts'
import { DropboxRouteError, HashMismatchError } from './dropbox-errors.ts'
import { fileMeta } from './metadata.ts'

/** Dropbox's limit for the bytes of one upload call (`files/upload`, `upload_session/start`). */
export const MAX_UPLOAD_BYTES = 150 * 1024 * 1024

/** Refuses, before any request, a file too large for one upload call. */
export function checkUploadSize(path: string, data: Uint8Array): void {
  if (data.length > MAX_UPLOAD_BYTES) {
    throw new YDropboxError(
      `${path} is ${Math.ceil(data.length / 1048576)} MiB; Dropbox takes at most 150 MiB per upload, split it into smaller files`,
    )
  }
}

/** The SDK's write mode for a `PutMode`. */
export function dropboxMode(mode: PutMode): files.WriteMode {
  if (mode === 'add') return { '.tag': 'add' }
  if (mode === 'overwrite') return { '.tag': 'overwrite' }
  return { '.tag': 'update', update: mode.update }
}

/** Uploads one file (`files/upload`, ≤ 150 MiB) with its content hash, checked on both sides. */
export async function uploadFile(
  caller: DropboxCaller,
  path: string,
  data: Uint8Array,
  hash: string,
  mode: PutMode,
): Promise<BlobMeta> {
  checkUploadSize(path, data)
  try {
    return await caller.call(
      `upload ${path}`,
      async ({ options }) => {
        const { result } = await caller.sdk.filesUpload(
          {
            path,
            contents: data,
            mode: dropboxMode(mode),
            autorename: false,
            mute: true,
            strict_conflict: false,
            content_hash: hash,
          },
          options,
        )
        const meta = fileMeta(result, path)
        if (meta.contentHash !== hash) throw new HashMismatchError(path, 'upload')
        return meta
      },
      { timeoutMs: caller.timeoutFor(data.length) },
    )
  } catch (error) {
    if (error instanceof DropboxRouteError && error.has('conflict')) {
      return settleConflict(caller, path, hash, mode, error.ambiguous, error)
    }
    throw error
  }
}

/**
 * Decides a conflict reported for a write of `hash` to `path`. Mode `add`
 * succeeds when the path already holds these bytes; any mode succeeds that
 * way after an attempt whose response was lost (it was ours). Otherwise a
 * `ConflictError`.
 */
export async function settleConflict(
  caller: DropboxCaller,
  path: string,
  hash: string,
  mode: PutMode,
  ambiguous: boolean,
  cause: unknown,
): Promise<BlobMeta> {
  if (mode === 'add' || ambiguous) {
    const current = await statFile(caller, path)
    if (current && current.contentHash === hash) return current
  }
  throw conflictError(path, mode, cause)
}

/** The `ConflictError` for a refused write of `path` in `mode`. */
export function conflictError(path: string, mode: PutMode, cause: unknown): ConflictError {
  if (typeof mode === 'object') {
    return new ConflictError(
      path,
      `${path} is no longer at rev ${mode.update} (another device changed it); read it again and retry the update`,
      { cause },
    )
  }
  return new ConflictError(path, undefined, { cause })
}

/** Metadata of the file at `path`, or `undefined` when there is no file there. */
export async function statFile(caller: DropboxCaller, path: string): Promise<BlobMeta | undefined> {
  try {
    return await caller.call(`read metadata of ${path}`, async ({ options }) => {
      const { result } = await caller.sdk.filesGetMetadata({ path }, options)
      return result['.tag'] === 'file' ? fileMeta(result, path) : undefined
    })
  } catch (error) {
    if (error instanceof DropboxRouteError && error.has('not_found')) return undefined
    throw error
  }
}

/** Deletes one file (`files/delete_v2`); a path that does not exist is not an error. */
export async function deleteFile(caller: DropboxCaller, path: string): Promise<void> {
  try {
    await caller.call(`delete ${path}`, ({ options }) => caller.sdk.filesDeleteV2({ path }, options))
  } catch (error) {
    if (error instanceof DropboxRouteError && error.has('not_found')) return
    throw error
  }
}
