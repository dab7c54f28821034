/** The public types of `@y-dropbox/tabs`. */
import type { SyncEngine } from '@y-dropbox/core'
import type * as Y from 'yjs'
import type { ChannelLike } from './bus.ts'
import type { LockManagerLike } from './leader-lock.ts'

/** The app's own operations, run by the leading tab for any tab. Arguments and results must be cloneable. */
// biome-ignore lint/suspicious/noExplicitAny: any argument list; callers get the exact types back
export type Calls = Record<string, (...args: any[]) => Promise<unknown>>

/** The engine operations any tab may call (they run on the leading tab's engine). */
export type EngineCalls = Pick<
  SyncEngine,
  | 'activate'
  | 'unlock'
  | 'changePassphrase'
  | 'syncNow'
  | 'flush'
  | 'downloadMaster'
  | 'uploadMaster'
  | 'deactivate'
  | 'deleteAllSyncData'
  | 'devices'
  | 'setDeviceName'
  | 'delete'
  | 'compact'
>

/** What the leading tab serves: its engine, and optionally the app's own calls and state. */
export interface Leader<S = undefined, C extends Calls = Calls> {
  /** The engine, open on this device's LocalStore. */
  engine: SyncEngine
  /** The app's operations, callable from every tab; they win over engine operations of the same name. */
  calls?: C
  /** The app's state every tab sees (`tabs.state`), e.g. whether an account is linked. Cloneable. */
  state?(): S
  /** Calls `changed` whenever `state()` changes; returns a function that stops it. */
  watchState?(changed: () => void): () => void
  /** How the leader opens a document for the tabs. Default `engine.doc(id)`. */
  doc?(id: string): Promise<Y.Doc>
  /** Closes the engine and whatever was opened with it. Default `engine.close()`. */
  close?(): Promise<void>
}

/** Options of {@link shareEngine}. */
export interface ShareEngineOptions<S = undefined, C extends Calls = Calls> {
  /**
   * Names the group: every tab of the browser profile that passes the same name shares one engine.
   * Use one name per LocalStore (e.g. its database name).
   */
  name: string
  /**
   * Opens the engine, in the elected tab only, once the previous leader's engine has closed.
   * Returns the engine, or the engine with the app's part (see {@link Leader}). A
   * `StoreInUseError` (the previous leader's store not yet released) is retried.
   */
  open(): Promise<SyncEngine | Leader<S, C>>
  /** This tab's id. Default random. */
  tabId?: string
  /** The cross-tab channel. Default a `BroadcastChannel` named after `name`. */
  channel?: ChannelLike
  /** The lock manager. Default `navigator.locks`. */
  locks?: LockManagerLike
  /** How long an elected tab keeps retrying an engine whose store is still in use. Default 30 s. */
  storeWaitMs?: number
}
