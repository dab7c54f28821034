import { useMemo, useSyncExternalStore } from 'react'
import type * as Y from 'yjs'
import type { AnyListener, DocSource } from './sources.ts'

/**
 * Document `id` of the engine (created if new), or `undefined` while it loads. When the engine
 * replaces the document (a master download or upload: the `replaced` event, or a `docs` event
 * with origin `reset`), the component re-renders with the new one: bind editors to what this
 * returns, keyed by it.
 */
export function useEntryDoc(engine: DocSource, id: string): Y.Doc | undefined {
  const store = useMemo(() => docStore(engine, id), [engine, id])
  return useSyncExternalStore(store.subscribe, store.read, store.read)
}

/** One document as an external store: loaded on first subscription, swapped when replaced. */
function docStore(engine: DocSource, id: string) {
  let current: Y.Doc | undefined
  let loading = 0
  const listeners = new Set<() => void>()
  const notify = () => {
    for (const listener of [...listeners]) listener()
  }
  const set = (doc: Y.Doc) => {
    if (doc === current) return
    current = doc
    notify()
  }
  const load = () => {
    const attempt = ++loading
    engine.doc(id).then(
      (doc) => {
        if (attempt === loading && listeners.size > 0) set(doc)
      },
      (error: unknown) => console.error(`y-dropbox react: could not open document ${id}`, error),
    )
  }
  const onReplaced = (replacedId: string, doc: Y.Doc) => {
    if (replacedId !== id) return
    loading++ // a load under way would bring the old document
    set(doc)
  }
  const onDocs = (event?: unknown) => {
    if ((event as { origin?: unknown } | undefined)?.origin === 'reset') load()
  }
  const replaced = onReplaced as AnyListener
  return {
    read: () => (current?.isDestroyed ? undefined : current),
    subscribe: (changed: () => void) => {
      listeners.add(changed)
      if (listeners.size === 1) {
        engine.on('replaced', replaced)
        engine.on('docs', onDocs)
        if (!current || current.isDestroyed) load()
      }
      return () => {
        listeners.delete(changed)
        if (listeners.size > 0) return
        engine.off('replaced', replaced)
        engine.off('docs', onDocs)
      }
    },
  }
}
