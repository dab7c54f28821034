import * as Y from 'yjs'
import type { ListItem } from '../../src/model/diary-index.ts'
import { summarizeEntry } from '../../src/model/summary.ts'
import type { DocSource, SourceEvents } from '../../src/tabs/leader-service.ts'

/** Device state used by the tab tests. */
export interface TestState {
  message: string
}

/**
 * A document source over a durable map of merged updates, standing in for an engine on one
 * device's store: each leader opens its own source on the shared `store`, like a new engine on the
 * same IndexedDB. Counts the updates it receives per document.
 */
export class MemorySource implements DocSource<TestState> {
  readonly docs = new Map<string, Y.Doc>()
  readonly received = new Map<string, number>()
  private readonly listeners = new Set<SourceEvents<TestState>>()
  private current: TestState = { message: 'ready' }

  constructor(readonly store: Map<string, Uint8Array>) {}

  async doc(id: string): Promise<Y.Doc> {
    let doc = this.docs.get(id)
    if (!doc) {
      doc = new Y.Doc()
      const stored = this.store.get(id)
      if (stored) Y.applyUpdate(doc, stored)
      const d = doc
      d.on('update', () => {
        this.received.set(id, (this.received.get(id) ?? 0) + 1)
        this.store.set(id, Y.encodeStateAsUpdate(d))
        for (const l of this.listeners) l.docs([this.item(id)])
      })
      this.docs.set(id, d)
    }
    return doc
  }

  list(): ListItem[] {
    return [...this.store.keys()].map((id) => this.item(id))
  }

  state(): TestState {
    return this.current
  }

  subscribe(events: SourceEvents<TestState>): () => void {
    this.listeners.add(events)
    return () => this.listeners.delete(events)
  }

  setState(state: TestState): void {
    this.current = state
    for (const l of this.listeners) l.state(state)
  }

  /** Replaces every document by `master` (like downloading the master database). */
  replaceAll(master: Map<string, Uint8Array>): void {
    this.docs.clear()
    this.store.clear()
    for (const [id, u] of master) this.store.set(id, u)
    for (const l of this.listeners) l.reset()
  }

  private item(id: string): ListItem {
    const doc = new Y.Doc()
    const stored = this.store.get(id)
    if (stored) Y.applyUpdate(doc, stored)
    return { id, updatedAt: Date.now(), deleted: false, summary: summarizeEntry(doc) }
  }
}
