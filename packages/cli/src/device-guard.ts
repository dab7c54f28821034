/**
 * The store a temporary engine gets for `compact` and `gc`: reads pass
 * through; the engine's device record is never written (the command line is
 * no device of the pool); snapshot writes and deletions pass only when the
 * verb allows them, and are recorded either way, so `--dry-run` lists them.
 * Any other write is refused.
 */
import {
  type BlobMeta,
  type BlobStore,
  contentHash,
  normalizePath,
  type PutMode,
  YDropboxError,
} from '@y-dropbox/core'

/** What the guard lets through. */
export interface GuardPolicy {
  /** The pool folder, lower case, e.g. `/pain-diary`. */
  root: string
  /** Snapshot files: written, recorded only, or refused. */
  snapshots: 'write' | 'record' | 'refuse'
  /** Deletions: done, recorded only, or refused. */
  deletes: 'write' | 'record' | 'refuse'
}

/** A `BlobStore` wrapper that keeps a temporary engine to what its verb may change. */
export class DeviceGuard implements BlobStore {
  /** Snapshot files the engine wrote (or would have, in a dry run). */
  readonly written: string[] = []
  /** Files the engine deleted (or would have). */
  readonly deleted: string[] = []

  constructor(
    private readonly inner: BlobStore,
    private readonly policy: GuardPolicy,
  ) {}

  get(path: string) {
    return this.inner.get(path)
  }

  list(prefix: string, cursor?: string) {
    return this.inner.list(prefix, cursor)
  }

  async put(path: string, data: Uint8Array, mode: PutMode): Promise<BlobMeta> {
    const kind = this.#kind(path)
    if (kind === 'device') return unwritten(path, data)
    this.written.push(normalizePath(path))
    return this.policy.snapshots === 'write' ? this.inner.put(path, data, mode) : unwritten(path, data)
  }

  async putMany(
    files: ReadonlyArray<{ path: string; data: Uint8Array; mode: PutMode }>,
  ): Promise<BlobMeta[]> {
    const out: BlobMeta[] = []
    for (const file of files) out.push(await this.put(file.path, file.data, file.mode))
    return out
  }

  async delete(paths: string[]): Promise<void> {
    if (this.policy.deletes === 'refuse') throw this.#refused(`delete ${paths.length} files`)
    this.deleted.push(...paths.map(normalizePath))
    if (this.policy.deletes === 'write') await this.inner.delete(paths)
  }

  #kind(path: string): 'device' | 'snapshot' {
    const lower = normalizePath(path)
    if (lower.startsWith(`${this.policy.root}/devices/`)) return 'device'
    const snapshotFile = new RegExp(
      `^${escapeRegExp(this.policy.root)}/epochs/[a-z0-9]+/(shards|snapshots)/[^/]+$`,
    )
    if (snapshotFile.test(lower) && this.policy.snapshots !== 'refuse') return 'snapshot'
    throw this.#refused(`write ${lower}`)
  }

  #refused(what: string): YDropboxError {
    return new YDropboxError(`the command line does not ${what} for this verb; nothing was changed there`)
  }
}

async function unwritten(path: string, data: Uint8Array): Promise<BlobMeta> {
  return {
    path: normalizePath(path),
    rev: 'not-written',
    size: data.length,
    contentHash: await contentHash(data),
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
