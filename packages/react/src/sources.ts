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
  readonly status: S
  on(name: 'status', listener: AnyListener): unknown
  off(name: 'status', listener: AnyListener): unknown
}

/** Something with an engine's document list. */
export interface ListSource {
  list(): DocInfo[]
  on(name: 'docs', listener: AnyListener): unknown
  off(name: 'docs', listener: AnyListener): unknown
}

/**
 * Something that hands out an engine's documents, and says when it replaced one (`replaced`,
 * with the new document, e.g. after a master download) or all (`docs` with origin `reset`).
 */
export interface DocSource {
  doc(id: string): Promise<Y.Doc>
  on(name: 'docs' | 'replaced', listener: AnyListener): unknown
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
