/**
 * The remote port: a shared, eventually consistent file store (Dropbox, its
 * emulator, a folder, memory). Paths are absolute (`/pool/devices/a.json`) and
 * compared case-insensitively; metadata always reports them in lower case.
 * Failures are thrown as the typed errors of `errors.ts`.
 */

/**
 * What the store knows about one file. A deletion reported by a cursor
 * listing carries only its `path` and `deleted: true` (like Dropbox's deleted
 * entries): its `rev` and `contentHash` are empty and its `size` is 0.
 */
export interface BlobMeta {
  /** Absolute path, lower case. */
  path: string
  /** Opaque revision, changes on every write of different content. */
  rev: string
  /** Size in bytes. */
  size: number
  /** Dropbox content hash (hex), see `contentHash()`. */
  contentHash: string
  /** Present in cursor listings when the file was deleted since the cursor. */
  deleted?: true
}

/** How `put` treats an existing file at the path: `{ update: rev }` writes only over that revision. */
export type PutMode =
  | 'add'
  | 'overwrite'
  | {
      /** The revision the file must be at. */
      update: string
    }

/** A file as `get` returns it. */
export interface BlobFile {
  /** The file's bytes. */
  data: Uint8Array
  /** Its metadata. */
  meta: BlobMeta
}

/** What `list` returns: the entries, and the cursor that lists what changes after them. */
export interface BlobListing {
  /** Files (and, in cursor listings, deletions). */
  entries: BlobMeta[]
  /** Pass to the next `list` (or to `watch`) to see only later changes. */
  cursor: string
}

/** A remote, shared, eventually consistent file store. */
export interface BlobStore {
  /**
   * The storage as users know it, used in status messages (`'Dropbox'`).
   * Optional: messages then say "cloud storage".
   */
  readonly serviceName?: string
  /**
   * Writes a file. Mode `add` fails with `ConflictError` if the path holds
   * different bytes and succeeds without change if it holds identical bytes,
   * so a retried upload is harmless. Mode `{ update: rev }` fails with
   * `ConflictError` unless the file is at `rev` (compare-and-swap).
   */
  put(path: string, data: Uint8Array, mode: PutMode): Promise<BlobMeta>
  /** Reads a file, or `undefined` when there is none. */
  get(path: string): Promise<BlobFile | undefined>
  /**
   * Lists files under `prefix`, recursively. Without a cursor: every file that
   * exists (never deletions). With a cursor from an earlier call: only what
   * changed since, deletions included. Throws `CursorResetError` when the
   * cursor is no longer valid. Never returns a partial listing.
   *
   * A folder that does not exist lists as empty, with a cursor that reports
   * files added under it later. Entries come in no particular order, except
   * that a cursor listing may name a path more than once: apply its entries
   * in order, the last one for a path wins.
   */
  list(prefix: string, cursor?: string): Promise<BlobListing>
  /** Deletes files; paths that do not exist are ignored. */
  delete(paths: string[]): Promise<void>
  /**
   * Writes several files as one commit where the store can (Dropbox's upload
   * sessions and `finish_batch_v2`), each with `put`'s semantics. Optional:
   * without it the engine calls `put` for each file.
   */
  putMany?(files: ReadonlyArray<{ path: string; data: Uint8Array; mode: PutMode }>): Promise<BlobMeta[]>
  /**
   * Reads `files` (entries of a listing of `folder`) in one call where the
   * store can (Dropbox's `files/download_zip`). Each result is what `get`
   * returns for that file, in input order: content checked against the
   * listing's size and content hash, re-read on its own when it changed
   * since, `undefined` when it is gone. Optional: without it the engine
   * calls `get` for each file.
   */
  getFolder?(folder: string, files: readonly BlobMeta[]): Promise<Array<BlobFile | undefined>>
  /**
   * Waits until something under the cursor's prefix changes: resolves `true`
   * then, `false` on the store's own timeout, and rejects with an `AbortError`
   * when `signal` aborts. Optional: without it the engine polls.
   */
  watch?(cursor: string, signal: AbortSignal): Promise<boolean>
}
