/**
 * The Y.Docs the engine has handed out (`doc()`) or adopted (`attach()`),
 * each listened to until it is destroyed. When a master download replaces
 * the database, the docs in use are superseded, not dropped: an edit typed
 * into a superseded doc is kept (in the backup taken before the download)
 * and reported, never lost in silence, while the app re-attaches its
 * binding to the replacement (the `replaced` event).
 */
import type * as Y from 'yjs'
import { REMOTE_ORIGIN } from './origins.ts'

/** What the engine does with the edits of one doc. */
export type EditSink = (update: Uint8Array) => void

interface Live {
  doc: Y.Doc
  detach: () => void
}

/** The live docs of one engine, by entry id. */
export class LiveDocs {
  readonly #live = new Map<string, Live>()

  /** The live doc of `id`, if any. */
  get(id: string): Y.Doc | undefined {
    return this.#live.get(id)?.doc
  }

  /** Ids of the live docs. */
  ids(): string[] {
    return [...this.#live.keys()]
  }

  /** Starts listening to `doc` as entry `id`: its local edits go to `sink`; destroying it forgets it. */
  add(id: string, doc: Y.Doc, sink: EditSink): void {
    const detach = listen(doc, sink, () => {
      detach()
      if (this.#live.get(id)?.doc === doc) this.#live.delete(id)
    })
    this.#live.set(id, { doc, detach })
  }

  /**
   * Stops syncing every live doc. From now on an edit to one of them goes to
   * `late(id, doc)` instead. Returns the ids that were live.
   */
  supersede(late: (id: string, doc: Y.Doc) => void): string[] {
    const ids = this.ids()
    for (const [id, { doc, detach }] of this.#live) {
      detach()
      const stop = listen(
        doc,
        () => late(id, doc),
        () => stop(),
      )
    }
    this.#live.clear()
    return ids
  }

  /** Stops listening to every live doc and forgets them. */
  clear(): void {
    for (const { detach } of this.#live.values()) detach()
    this.#live.clear()
  }
}

/** Sends `doc`'s own edits (not those the engine applies) to `sink` until detached; `onDestroy` when destroyed. */
function listen(doc: Y.Doc, sink: EditSink, onDestroy: () => void): () => void {
  const onUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin !== REMOTE_ORIGIN) sink(update)
  }
  doc.on('update', onUpdate)
  doc.on('destroy', onDestroy)
  return () => {
    doc.off('update', onUpdate)
    doc.off('destroy', onDestroy)
  }
}
