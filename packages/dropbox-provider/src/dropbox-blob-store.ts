/**
 * `DropboxBlobStore`: the y-dropbox `BlobStore` over the official `dropbox`
 * SDK, with retries, single-flight token refresh, local content hashes,
 * complete listings, long-poll and batched writes.
 */

import type { BlobFile, BlobListing, BlobMeta, BlobStore, PutMode } from '@y-dropbox/core'
import { abortReason, contentHash } from '@y-dropbox/core'
import { Dropbox, type DropboxAuth } from 'dropbox'
import { type AttemptContext, DropboxCaller } from './caller.ts'
import { deleteFiles } from './delete-many.ts'
import { DropboxRouteError, HashMismatchError, MalformedResponseError } from './dropbox-errors.ts'
import { uploadFile } from './file-ops.ts'
import { getFolderFiles } from './get-folder.ts'
import { Limiter } from './limiter.ts'
import { decodeCursor, listFolder } from './listing.ts'
import { downloadedBytes, fileMeta, normalizePath } from './metadata.ts'
import { type DropboxBlobStoreOptions, type ResolvedOptions, resolveOptions } from './options.ts'
import { type PutManyFile, putManyFiles } from './put-many.ts'

/**
 * A `BlobStore` in a Dropbox (app) folder. Writes (uploads, deletes) go
 * through one queue per store, since Dropbox serialises writes per account
 * anyway and answers parallel ones with `too_many_write_operations`; reads run
 * with bounded concurrency.
 */
export class DropboxBlobStore implements BlobStore {
  /** Status messages name the storage as users know it. */
  readonly serviceName = 'Dropbox'
  /** The SDK client. */
  readonly client: Dropbox
  /** The auth object whose tokens the client uses. */
  readonly auth: DropboxAuth
  readonly #options: ResolvedOptions
  readonly #caller: DropboxCaller
  readonly #writes = new Limiter(1)
  readonly #reads: Limiter
  #watchNotBefore = 0

  /** @param options - see {@link DropboxBlobStoreOptions}; `auth` or `client` is required */
  constructor(options: DropboxBlobStoreOptions) {
    const auth = options.auth ?? (options.client as unknown as { auth?: DropboxAuth } | undefined)?.auth
    if (!auth) throw new TypeError('DropboxBlobStore needs `auth` (a DropboxAuth) or an SDK `client`')
    this.auth = auth
    this.client =
      options.client ??
      new Dropbox({ auth, ...(options.fetch ? { fetch: options.fetch as typeof fetch } : {}) })
    this.#options = resolveOptions(options)
    const o = this.#options
    this.#reads = new Limiter(o.downloadConcurrency)
    this.#caller = new DropboxCaller(this.client, auth, {
      timing: {
        maxRetryTimeMs: o.maxRetryTimeMs,
        baseDelayMs: o.baseDelayMs,
        maxDelayMs: o.maxDelayMs,
        random: o.random,
        sleep: o.sleep,
        now: o.now,
        ...(o.onRetry ? { onRetry: o.onRetry } : {}),
      },
      maxHashMismatches: o.maxHashMismatches,
      requestTimeoutMs: o.requestTimeoutMs,
      ...(o.clientTag ? { clientTag: o.clientTag } : {}),
    })
  }

  /**
   * {@link @y-dropbox/core!BlobStore.put | BlobStore.put} on Dropbox. The content hash is computed here, sent with the upload and compared with
   * what Dropbox stored. A write whose response was lost is recognised on
   * retry by the bytes now at the path, never reported as a conflict.
   */
  async put(path: string, data: Uint8Array, mode: PutMode): Promise<BlobMeta> {
    const p = normalizePath(path)
    const hash = await contentHash(data)
    return this.#writes.run(() => uploadFile(this.#caller, p, data, hash, mode))
  }

  /**
   * Stores many files with one commit per 1,000 (upload sessions, then
   * `finish_batch_v2`): far fewer write-lock turns than one `put` per file.
   * Returns metadata in input order. Not atomic: on a conflict the other files
   * are still stored and the first error is thrown at the end.
   */
  async putMany(files: readonly PutManyFile[]): Promise<BlobMeta[]> {
    if (files.length === 0) return []
    return this.#writes.run(() => putManyFiles(this.#caller, files, this.#options.uploadConcurrency))
  }

  /**
   * {@link @y-dropbox/core!BlobStore.get | BlobStore.get} on Dropbox. Handles both SDK builds (`fileBinary` and `fileBlob`) and checks the bytes
   * against Dropbox's content hash, downloading again on a mismatch.
   */
  async get(path: string): Promise<BlobFile | undefined> {
    const p = normalizePath(path)
    try {
      return await this.#reads.run(() =>
        this.#caller.call(`download ${p}`, async ({ options }: AttemptContext) => {
          const { result } = await this.client.filesDownload({ path: p }, options)
          const meta = fileMeta(result, p)
          const data = await downloadedBytes(result, p)
          if (data.length !== meta.size || (await contentHash(data)) !== meta.contentHash) {
            throw new HashMismatchError(p, 'download')
          }
          return { data, meta }
        }),
      )
    } catch (error) {
      if (error instanceof DropboxRouteError && error.has('not_found')) return undefined
      throw error
    }
  }

  /**
   * {@link @y-dropbox/core!BlobStore.getFolder | BlobStore.getFolder} on Dropbox: one
   * `files/download_zip` of the folder, unzipped here; each file is checked
   * against the listing's size and content hash. Files the zip does not serve
   * (changed since the listing, or the zip refused as too large or holding
   * 10,000 entries or more) are downloaded one by one.
   */
  getFolder(folder: string, files: readonly BlobMeta[]): Promise<Array<BlobFile | undefined>> {
    return getFolderFiles(
      { caller: this.#caller, client: this.client, reads: this.#reads, get: (path) => this.get(path) },
      folder,
      files,
    )
  }

  /**
   * {@link @y-dropbox/core!BlobStore.list | BlobStore.list} on Dropbox. Pages through `list_folder/continue` until Dropbox has no more. A deleted
   * entry may name a folder: that path and everything under it is gone. A
   * missing folder lists as empty, with a cursor that reports its files once
   * they appear.
   */
  list(prefix: string, cursor?: string): Promise<BlobListing> {
    return listFolder(
      { caller: this.#caller, reads: this.#reads, pageSize: this.#options.listPageSize },
      prefix,
      cursor,
    )
  }

  /**
   * {@link @y-dropbox/core!BlobStore.delete | BlobStore.delete} on Dropbox. One path: `delete_v2`; more: `delete_batch` jobs of up to 1,000, each
   * result checked, so a refused deletion is an error, never silent.
   */
  async delete(paths: string[]): Promise<void> {
    if (paths.length === 0) return
    return this.#writes.run(() => deleteFiles(this.#caller, paths, this.#options.batchPollIntervalMs))
  }

  /**
   * {@link @y-dropbox/core!BlobStore.watch | BlobStore.watch} on Dropbox: one `list_folder/longpoll` of up to `longpollTimeoutS`. When Dropbox asks
   * for a `backoff`, the next `watch` waits that long before polling again.
   */
  async watch(cursor: string, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) throw abortReason(signal)
    const { dropboxCursor } = decodeCursor(cursor)
    const o = this.#options
    const wait = this.#watchNotBefore - o.now()
    if (wait > 0) await o.sleep(wait, signal)
    const result = await this.#caller.call(
      'watch for changes',
      async ({ options }) => {
        const { result } = await this.client.filesListFolderLongpoll(
          { cursor: dropboxCursor, timeout: o.longpollTimeoutS },
          options,
        )
        if (typeof result?.changes !== 'boolean')
          throw new MalformedResponseError('Dropbox sent no long-poll result')
        return result
      },
      // Dropbox adds up to 90 s to the requested timeout.
      { signal, timeoutMs: (o.longpollTimeoutS + 95) * 1000 },
    )
    if (typeof result.backoff === 'number' && result.backoff > 0) {
      this.#watchNotBefore = o.now() + result.backoff * 1000
    }
    return result.changes
  }
}
