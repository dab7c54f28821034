/**
 * The syncing tab's engine seen as documents, list and state: what \`DeviceLeader\` offers the tab
 * layer (see \`open-leader.ts\`) and its tests.
 */
import type * as Y from 'yjs'
import type { ListItem } from '../model/diary-index.ts'

/** What the leader serves: the engine, seen through the few calls the tabs need. */
export interface DocSource<S> {
  /** The live document `id`, created if it does not exist. */
  doc(id: string): Promise<Y.Doc>
  /** Every entry, without opening documents. */
  list(): ListItem[]
  /** The device state shown by every tab (sync status, link, name...). */
  state(): S
  /** Subscribes to changes; returns a function that unsubscribes. */
  subscribe(events: SourceEvents<S>): () => void
}

/** Changes a `DocSource` reports. */
export interface SourceEvents<S> {
  /** Entries were added, changed or deleted. */
  docs(items: ListItem[]): void
  /** The device state changed. */
  state(state: S): void
  /** Every live document was superseded (e.g. the master was downloaded): open them again. */
  reset(): void
}
