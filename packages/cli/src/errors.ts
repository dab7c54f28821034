/**
 * Exit codes and the messages of failures a user can meet: 0 all fine, 1 a
 * problem found in the pool, 2 a usage or access error (bad arguments, wrong
 * passphrase, no such pool, not linked, read-only folder).
 */
import {
  AuthError,
  CorruptBlobError,
  NotFoundError,
  PassphraseError,
  QuotaError,
  RateLimitError,
  ReadOnlyStoreError,
  TransientError,
  UnsupportedVersionError,
} from '@y-dropbox/core'

/** Everything is fine. */
export const OK = 0
/** The pool has a problem (verify found damage, an export is incomplete...). */
export const PROBLEM = 1
/** Bad arguments, or the pool could not be reached or opened. */
export const USAGE = 2

/** A failure to report with a plain message and an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = USAGE,
  ) {
    super(message)
  }
}

/** The exit code and message for an error that ended a command. */
export function describeError(error: unknown): { code: number; message: string } {
  const text = error instanceof Error ? error.message.replace(/^y-dropbox: /, '') : String(error)
  if (error instanceof CliError) return { code: error.exitCode, message: text }
  if (error instanceof PassphraseError) return { code: USAGE, message: text }
  if (error instanceof AuthError) return { code: USAGE, message: `${text} (run \`y-dropbox link\`)` }
  if (error instanceof NotFoundError || error instanceof ReadOnlyStoreError)
    return { code: USAGE, message: text }
  if (error instanceof UnsupportedVersionError) return { code: USAGE, message: text }
  if (error instanceof CorruptBlobError) return { code: PROBLEM, message: text }
  if (error instanceof QuotaError) return { code: USAGE, message: `${text}: the Dropbox account is full` }
  if (error instanceof RateLimitError || error instanceof TransientError) {
    return { code: USAGE, message: `${text}; Dropbox could not be reached, try again later` }
  }
  if (error instanceof TypeError && /root must be/.test(text)) return { code: USAGE, message: text }
  const details = process.env.Y_DROPBOX_DEBUG && error instanceof Error ? `\n${error.stack}` : ''
  return { code: USAGE, message: `${text}${details}` }
}
