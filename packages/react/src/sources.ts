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

/** Something that hands out an engine's documents. */
export interface DocSource {
  doc(id: string): Promise<Y.Doc>
  on(name: 'docs', listener: AnyListener): unknown
  off(name: 'docs', listener: AnyListener): unknown
}

/**
 * The events the hooks also listen to when the source has them: `replaced` (the engine replaced
 * an open document, e.g. after a master download; the new document comes with it) and `list`
 * (a shared engine's whole list was replaced).
 */
export interface OptionalEvents {
  on(name: 'replaced', listener: (id: string, doc: Y.Doc) => void): unknown
  on(name: 'list', listener: () => void): unknown
  off(name: 'replaced', listener: (id: string, doc: Y.Doc) => void): unknown
  off(name: 'list', listener: () => void): unknown
}

/** The same source, seen with the events it may or may not emit (subscribing to others is harmless). */
export function withOptionalEvents(source: object): OptionalEvents {
  return source as OptionalEvents
}
