/**
 * The typed errors that cross the ports. Adapters translate their own failures
 * into these, so the engine decides retry, backoff and status messages once for
 * every store. Not-found is a value (`undefined`), never an error, except where
 * an operation needs the thing to exist.
 */

/** Options shared by every y-dropbox error. */
export interface YDropboxErrorOptions {
  /** The underlying failure, kept for debugging. */
  cause?: unknown
}

/**
 * Base class of every error y-dropbox throws on purpose. The message is the
 * plain sentence (status messages quote it); the package name is added only
 * when the error is printed (`toString`, and the default `onError`).
 */
export class YDropboxError extends Error {
  constructor(message: string, options?: YDropboxErrorOptions) {
    super(message, options)
    this.name = new.target.name
  }

  /** `y-dropbox ConflictError: …`, so a printed error says where it came from. */
  override toString(): string {
    return `y-dropbox ${this.name}: ${this.message}`
  }
}

/** A write found different bytes (mode `add`) or another revision (mode `update`) at the path. */
export class ConflictError extends YDropboxError {
  constructor(
    /** The path that holds something else. */
    readonly path: string,
    message = `${path} already holds different content; it was not overwritten`,
    options?: YDropboxErrorOptions,
  ) {
    super(message, options)
  }
}

/** An operation needed a file or folder that does not exist. */
export class NotFoundError extends YDropboxError {
  constructor(
    /** The missing path. */
    readonly path: string,
    message = `${path} does not exist`,
    options?: YDropboxErrorOptions,
  ) {
    super(message, options)
  }
}

/** The store asked us to slow down; retry after `retryAfterMs`. */
export class RateLimitError extends YDropboxError {
  constructor(
    /** How long the store asked us to wait, in milliseconds. */
    readonly retryAfterMs: number,
    message = `rate limited, retry in ${Math.ceil(retryAfterMs / 1000)} s`,
    options?: YDropboxErrorOptions,
  ) {
    super(message, options)
  }
}

/** Credentials are missing, expired beyond refresh, or revoked: the user must link again. */
export class AuthError extends YDropboxError {}

/** The remote account is full: the user must free space. */
export class QuotaError extends YDropboxError {}

/** A passing failure (network, 5xx, timeout): retrying later is expected to work. */
export class TransientError extends YDropboxError {}

/** A listing cursor is no longer valid: list again from scratch. */
export class CursorResetError extends YDropboxError {}

/** Bytes read back do not form a valid y-dropbox blob (bad magic, checksum, truncation...). */
export class CorruptBlobError extends YDropboxError {
  constructor(
    message: string,
    /** The remote or local path the bytes came from, when known. */
    readonly path?: string,
    options?: YDropboxErrorOptions,
  ) {
    super(path ? `${message} (${path})` : message, options)
  }
}

/** A blob, pool or manifest was written by a newer format than this version understands. */
export class UnsupportedVersionError extends YDropboxError {
  constructor(
    /** What was being read, e.g. `blob` or `pool.json`. */
    readonly what: string,
    /** The version found. */
    readonly found: number,
    /** The newest version this build reads. */
    readonly supported: number,
    options?: YDropboxErrorOptions,
  ) {
    super(
      `${what} uses format version ${found}, but this version of y-dropbox reads up to version ${supported}; update the app on this device`,
      options,
    )
  }
}

/** True for failures that are worth retrying later with backoff. */
export function isRetryable(error: unknown): error is TransientError | RateLimitError {
  return error instanceof TransientError || error instanceof RateLimitError
}

/** Sync stopped because another device uploaded a new master database: download it to continue. */
export class NeedsMasterError extends YDropboxError {}

/** Options of a {@link PoolDeletedError}. */
export interface PoolDeletedErrorOptions extends YDropboxErrorOptions {
  /** A new pool was started in its place (activating joins it). */
  replaced?: boolean
}

/** Sync stopped because the pool was deleted from the remote (Delete All Local & Remote Sync Data). */
export class PoolDeletedError extends YDropboxError {
  /** A new pool was started in its place (activating joins it). */
  readonly replaced: boolean

  constructor(message: string, options: PoolDeletedErrorOptions = {}) {
    super(message, options)
    this.replaced = options.replaced ?? false
  }
}

/** The pool is encrypted and this device has no passphrase for it, or the passphrase is wrong. */
export class PassphraseError extends YDropboxError {}

/**
 * The LocalStore is already used by another engine: another tab or window of
 * the app on the same profile, another process, or a second `SyncEngine.open`
 * in this one. Two engines on one store would overwrite each other's unsent
 * changes, so the second is refused.
 */
export class StoreInUseError extends YDropboxError {}

/** The store cannot be written (a plain copy of a Dropbox folder opened read-only). */
export class ReadOnlyStoreError extends YDropboxError {}

/**
 * The JavaScript runtime lacks something an operation needs (WebCrypto for an
 * encrypted pool, a secure random source), and the app did not supply it
 * through the `platform` option of `SyncEngine.open`.
 */
export class PlatformError extends YDropboxError {
  constructor(
    /** The missing capability, as named in the `platform` option: `'subtle'` or `'randomBytes'`. */
    readonly missing: 'subtle' | 'randomBytes',
    message: string,
    options?: YDropboxErrorOptions,
  ) {
    super(message, options)
  }
}
