/**
 * What the hooks need of an engine, as structural types: a `SyncEngine` fits, and so does a
 * `SharedEngine` of `@y-dropbox/tabs` (whose status is `undefined` until a leader answered).
 */
import type { DocInfo, SyncStatus } from '@y-dropbox/core'
import type * as Y from 'yjs'

/** A listener of any event: the hooks only need to know that something happened. */
export type AnyListener = (...args: never[]) => void

/** Something with an engine's status. */
export interface StatusSource<S extends SyncStatus | undefined = SyncStatus | undefined> {
  /** The current status. */
  readonly status: S
  /** Subscribes to status changes. */
  on(name: 'status', listener: AnyListener): unknown
  /** Unsubscribes from status changes. */
  off(name: 'status', listener: AnyListener): unknown
}

/** Something with an engine's document list. */
export interface ListSource {
  /** Every entry, without loading any. */
  list(): DocInfo[]
  /** Subscribes to changes of the entries. */
  on(name: 'docs', listener: AnyListener): unknown
  /** Unsubscribes from changes of the entries. */
  off(name: 'docs', listener: AnyListener): unknown
}

/**
 * Something that hands out an engine's documents, and says when it replaced one (`replaced`,
 * with the new document, e.g. after a master download) or all (`docs` with origin `reset`).
 */
export interface DocSource {
  /** The live document of entry `id`. */
  doc(id: string): Promise<Y.Doc>
  /** Subscribes to changes of the entries, or to replaced documents. */
  on(name: 'docs' | 'replaced', listener: AnyListener): unknown
  /** Unsubscribes. */
  off(name: 'docs' | 'replaced', listener: AnyListener): unknown
}

/** The event the list hook also listens to when the source has it: a shared engine's whole list was replaced. */
export interface OptionalEvents {
  on(name: 'list', listener: () => void): unknown
  off(name: 'list', listener: () => void): unknown
}

/** The same source, seen with the events it may or may not emit (subscribing to others is harmless). */
export function withOptionalEvents(source: object): OptionalEvents {
  return source as OptionalEvents
}
