/**
 * The engine's observable status: where sync stands, why (a reason code for
 * every sentence), and what the user must do. The sentences themselves come
 * from `words.ts`, so an app can word each one its own way.
 */
import {
  AuthError,
  ConflictError,
  CorruptBlobError,
  PassphraseError,
  PoolDeletedError,
  QuotaError,
  RateLimitError,
  StoreInUseError,
  TransientError,
  UnsupportedVersionError,
  YDropboxError,
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
  /** Active but stopped on something the user must fix or retry (the message says what). */
  error: 'error',
  /** A new master database was uploaded elsewhere; downloading it resumes sync. */
  needsMaster: 'needs-master',
} as const
export type SyncState = (typeof SyncState)[keyof typeof SyncState]

/** What a long operation is doing. */
export type ProgressStep = 'downloading-changes' | 'downloading-snapshot' | 'uploading-snapshot'

/** Progress of a long operation. */
export interface SyncProgress {
  /** What is being done, in words, e.g. `'Downloading changes'`. */
  phase: string
  /** What is being done, as a code. */
  step: ProgressStep
  /** Steps done so far (files or shards). */
  done: number
  /** Steps in all. */
  total: number
}

/** The user action a status asks for. */
export type SyncAction = 'enter-passphrase' | 'link-dropbox' | 'free-space' | 'download-master' | 'update-app'

/** Why the status is what it is: one code per sentence the engine can say. */
export type StatusReason =
  /** Sync was never switched on here, or was turned off. */
  | 'off'
  /** This device deleted all sync data. */
  | 'deleted-here'
  /** The sync data was deleted elsewhere (another device, or by hand). */
  | 'pool-deleted'
  /** The sync data was deleted elsewhere and a new pool started: activating joins it. */
  | 'pool-replaced'
  | 'activating'
  | 'uploading'
  | 'checking'
  | 'downloading-master'
  | 'uploading-master'
  | 're-encrypting'
  | 'up-to-date'
  | 'waiting-to-upload'
  /** Another device uploaded a new master database. */
  | 'needs-master'
  /** The remote cannot be reached (network, outage); retrying. */
  | 'offline'
  /** The remote asked to slow down; retrying after its delay. */
  | 'rate-limited'
  /** Access to the remote was revoked or expired: link again. */
  | 'access-revoked'
  /** The remote account is full. */
  | 'storage-full'
  /** The pool is encrypted and needs the passphrase (missing, wrong or changed). */
  | 'passphrase'
  /** Sync data written by a newer version of the app. */
  | 'update-app'
  /** Sync data is damaged; sync stopped to protect the local data. */
  | 'damaged'
  /** Another device changed the pool at the same moment; nothing was changed. */
  | 'conflict'
  /** Another engine (tab, window, process) uses this device's local store. */
  | 'store-in-use'
  /** The operation was refused as things stand (the detail says why). */
  | 'refused'
  /** A failure nobody planned for; retried later. */
  | 'unexpected'

/** Something a round had to leave aside, shown beside the state until a round goes without it. */
export type StatusNote =
  /** Damaged files set aside (retried only if they change). */
  | {
      /** Which note. */
      kind: 'damaged-files'
      /** How many files. */
      count: number
    }
  /** One damaged file met just now. */
  | {
      /** Which note. */
      kind: 'damaged-file'
      /** What is wrong with it. */
      detail: string
    }
  /** Batches of other devices lost from the folder before they arrived here. */
  | {
      /** Which note. */
      kind: 'lost-files'
      /** How many batches. */
      count: number
    }
  /** A device's batches wait for an update of this app. */
  | {
      /** Which note. */
      kind: 'device-held-back'
      /** Why (the version the app must read). */
      detail: string
    }
  /** A housekeeping chore keeps failing. */
  | {
      /** Which note. */
      kind: 'chore-failing'
      /** Which chore. */
      chore: Chore
    }
  /** Edits typed into docs a master download replaced were kept in a backup (until it is restored). */
  | {
      /** Which note. */
      kind: 'edits-kept'
      /** The backup holding them (see `restoreBackup`). */
      backup: string
      /** The entries edited. */
      ids: string[]
    }

/** The housekeeping chores of a round. */
export type Chore = 'device-record' | 'compaction' | 'summaries' | 'garbage-collection'

/** A snapshot of the engine's status, emitted on every change. */
export interface SyncStatus {
  /** Where sync stands (see {@link SyncState}). */
  state: SyncState
  /** Why: the code of `message`, for apps that word statuses themselves. */
  reason: StatusReason
  /** A sentence for the user (see the `words` option). */
  message: string
  /** Documents with changes not yet on the remote. */
  pending: number
  /** When the last complete sync round ended (ms), if ever. */
  lastSyncAt?: number
  /** Progress of a long download or upload while one runs. */
  progress?: SyncProgress
  /** What the user must do for sync to go on, when something: the app can offer that button. */
  action?: SyncAction
  /** What the last round had to leave aside. */
  notes?: StatusNote[]
  /** The technical detail behind a failure, for a details view or a support report. */
  detail?: string
  /** Who uploaded the new master, and when (reason `needs-master`). */
  master?: {
    /** The name of the device that uploaded it. */
    by: string
    /** When (ms). */
    at: number
  }
  /** When a rate limit lifts, in ms from when it was met (reason `rate-limited`). */
  retryInMs?: number
}

/** What a failure means for the status. */
export interface Failure {
  state: SyncState
  reason: StatusReason
  action?: SyncAction
  detail: string
  retryInMs?: number
}

/** Classifies a failed operation: an honest state, a reason, the action it needs. */
export function describeFailure(error: unknown): Failure {
  const detail = error instanceof Error ? error.message : String(error)
  const failure = (state: SyncState, reason: StatusReason, action?: SyncAction): Failure => ({
    state,
    reason,
    detail,
    ...(action ? { action } : {}),
  })
  if (error instanceof RateLimitError)
    return { ...failure('syncing', 'rate-limited'), retryInMs: error.retryAfterMs }
  if (error instanceof AuthError) return failure('error', 'access-revoked', 'link-dropbox')
  if (error instanceof QuotaError) return failure('error', 'storage-full', 'free-space')
  if (error instanceof PassphraseError) return failure('error', 'passphrase', 'enter-passphrase')
  if (error instanceof UnsupportedVersionError) return failure('error', 'update-app', 'update-app')
  if (error instanceof CorruptBlobError) return failure('error', 'damaged')
  if (error instanceof ConflictError) return failure('error', 'conflict')
  if (error instanceof StoreInUseError) return failure('error', 'store-in-use')
  if (error instanceof PoolDeletedError) return failure('inactive', 'pool-deleted')
  if (error instanceof TransientError) return failure('offline', 'offline')
  if (error instanceof YDropboxError) return failure('error', 'refused')
  return failure('error', 'unexpected')
}
