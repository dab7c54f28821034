/**
 * Messages between the tabs of one group. Exactly one tab, the leader, owns the sync engine;
 * every tab (the leader's own included) keeps replicas of the documents it uses and syncs them
 * with the leader's live documents using y-protocols sync messages (step 1, step 2, update).
 * Messages going "up" are addressed to the leader, messages going "down" to every tab or to one
 * (`to`). Everything here must survive structured cloning (BroadcastChannel).
 */
import {
  AuthError,
  ConflictError,
  CorruptBlobError,
  CursorResetError,
  type DocInfo,
  NeedsMasterError,
  NotFoundError,
  PassphraseError,
  PlatformError,
  PoolDeletedError,
  QuotaError,
  RateLimitError,
  StoreInUseError,
  type SyncStatus,
  TransientError,
  UnsupportedVersionError,
  YDropboxError,
} from '@y-dropbox/core'

/** The core errors a call can carry back as themselves. */
const CORE_ERRORS: Record<string, { prototype: Error }> = {
  AuthError,
  ConflictError,
  CorruptBlobError,
  CursorResetError,
  NeedsMasterError,
  NotFoundError,
  PassphraseError,
  PlatformError,
  PoolDeletedError,
  QuotaError,
  RateLimitError,
  StoreInUseError,
  TransientError,
  UnsupportedVersionError,
  YDropboxError,
}

/** An error carried back from the leader. */
export interface WireError {
  /** Error class name, e.g. `PassphraseError`. */
  name: string
  /** Human-readable message. */
  message: string
}

/** Tab → leader. */
export type UpMessage =
  /** A tab wants the full state (sent when it starts). */
  | { dir: 'up'; t: 'hello'; from: string }
  /** A y-protocols sync message for document `doc`, from a replica of document generation `generation`. */
  | { dir: 'up'; t: 'y'; from: string; generation: number; doc: string; data: Uint8Array }
  /** A remote procedure call; answered by `ret`. */
  | { dir: 'up'; t: 'call'; from: string; id: number; method: string; args: unknown[] }

/** What every tab mirrors of the leader. */
export interface LeaderView<S> {
  generation: number
  list: DocInfo[]
  status: SyncStatus
  /** The app's shared state, when the app serves one. */
  app: S | undefined
}

/** Leader → tabs. */
export type DownMessage<S> =
  /** A tab has become the leader. */
  | { dir: 'down'; t: 'leader'; from: string }
  /** Full state, for one tab or all. */
  | ({ dir: 'down'; t: 'state'; from: string; to?: string } & LeaderView<S>)
  /** Documents that changed (added, edited, deleted). */
  | { dir: 'down'; t: 'docs'; from: string; items: DocInfo[] }
  /** The engine's status changed. */
  | { dir: 'down'; t: 'status'; from: string; status: SyncStatus }
  /** The app's shared state changed. */
  | { dir: 'down'; t: 'app'; from: string; state: S }
  /** Documents were superseded (e.g. master downloaded): replace every replica. */
  | { dir: 'down'; t: 'reset'; from: string; generation: number }
  /** A y-protocols sync message for document `doc`, for one tab or all. */
  | { dir: 'down'; t: 'y'; from: string; to?: string; generation: number; doc: string; data: Uint8Array }
  /** The answer to a `call`. */
  | { dir: 'down'; t: 'ret'; from: string; to: string; id: number; ok: true; value: unknown }
  | { dir: 'down'; t: 'ret'; from: string; to: string; id: number; ok: false; error: WireError }

/** Any message between the tabs. */
export type TabMessage<S> = UpMessage | DownMessage<S>

/** Turns anything thrown into a `WireError`. */
export function toWireError(error: unknown): WireError {
  if (error instanceof Error) return { name: error.name, message: error.message }
  return { name: 'Error', message: String(error) }
}

/**
 * The error to throw in the calling tab: an instance of the core error class of the same name
 * (so `instanceof PassphraseError` works in every tab), else a plain `Error` with that name.
 */
export function fromWireError(wire: WireError): Error {
  const error = new Error(wire.message)
  const known = Object.hasOwn(CORE_ERRORS, wire.name) ? CORE_ERRORS[wire.name] : undefined
  if (known) Object.setPrototypeOf(error, known.prototype)
  error.name = wire.name
  return error
}
