/** The engine's observable status and the human-readable messages it carries. */
import {
  AuthError,
  CorruptBlobError,
  PassphraseError,
  QuotaError,
  RateLimitError,
  UnsupportedVersionError,
} from '../errors.ts'

/** Where sync stands on this device. */
export const SyncState = {
  /** Sync is off here (never activated, turned off, or the pool was deleted). */
  inactive: 'inactive',
  /** Active and nothing is running. */
  idle: 'idle',
  /** Active and talking to the remote. */
  syncing: 'syncing',
  /** Active but the remote cannot be reached; retrying. */
  offline: 'offline',
  /** Active but stopped on something the user must fix (message says what). */
  error: 'error',
  /** A new master database was uploaded elsewhere; downloading it resumes sync. */
  needsMaster: 'needs-master',
} as const
export type SyncState = (typeof SyncState)[keyof typeof SyncState]

/** Progress of a long operation. */
export interface SyncProgress {
  /** What is being done, e.g. `'Downloading'`. */
  phase: string
  done: number
  total: number
}

/** A snapshot of the engine's status, emitted on every change. */
export interface SyncStatus {
  state: SyncState
  /** A sentence for the user. */
  message: string
  /** Documents with changes not yet on the remote. */
  pending: number
  /** When the last complete sync round ended (ms), if ever. */
  lastSyncAt?: number
  progress?: SyncProgress
  /** What the user must do for sync to go on, when something: the app can offer that button. */
  action?: SyncAction
}

/** The user action a status asks for. */
export type SyncAction = 'enter-passphrase' | 'link-dropbox' | 'free-space' | 'download-master' | 'update-app'

/** "1 change" / "3 changes". */
export function changes(n: number): string {
  return `${n} ${n === 1 ? 'change' : 'changes'}`
}

/** The message shown when nothing is running. */
export function idleMessage(pending: number): string {
  return pending === 0 ? 'Up to date' : `${changes(pending)} waiting to upload`
}

/** Turns a failed round into a state and a message that says what to do. */
export function describeFailure(
  error: unknown,
  pending: number,
): { state: SyncState; message: string; action?: SyncAction } {
  const keep = pending > 0 ? ` ${changes(pending)} will upload then.` : ''
  if (error instanceof RateLimitError) {
    return {
      state: SyncState.syncing,
      message: `Dropbox rate limit, retrying in ${Math.max(1, Math.ceil(error.retryAfterMs / 1000))} s`,
    }
  }
  if (error instanceof AuthError) {
    return {
      state: SyncState.error,
      message: `Dropbox access was revoked or has expired. Link Dropbox again to resume syncing.${keep}`,
      action: 'link-dropbox',
    }
  }
  if (error instanceof QuotaError) {
    return {
      state: SyncState.error,
      message: `Your Dropbox is full. Free some space in Dropbox; syncing resumes by itself.${keep}`,
      action: 'free-space',
    }
  }
  if (error instanceof PassphraseError) {
    return {
      state: SyncState.error,
      message: `${capitalise(strip(error.message))}.${keep}`,
      action: 'enter-passphrase',
    }
  }
  if (error instanceof UnsupportedVersionError) {
    return { state: SyncState.error, message: `${strip(error.message)}.`, action: 'update-app' }
  }
  if (error instanceof CorruptBlobError) {
    return { state: SyncState.error, message: `Sync data in Dropbox is damaged: ${strip(error.message)}.` }
  }
  const reason = error instanceof Error ? strip(error.message) : String(error)
  return {
    state: SyncState.offline,
    message: `Cannot reach Dropbox (${reason}); retrying.${keep}`,
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function strip(message: string): string {
  return message.replace(/^y-dropbox: /, '')
}
