import type { DocInfo } from '@y-dropbox/core'
import { useMemo, useSyncExternalStore } from 'react'
import { type ListSource, withOptionalEvents } from './sources.ts'

/**
 * The engine's documents (`engine.list()`: id, updatedAt, deleted, summary), without loading any,
 * re-read when documents are added, changed or deleted. Deleted ones are included: filter them.
 */
export function useEntries(engine: ListSource): DocInfo[] {
  const store = useMemo(() => listStore(engine), [engine])
  return useSyncExternalStore(store.subscribe, store.read, store.read)
}

/** The list as an external store: read once per change, the same array in between. */
function listStore(engine: ListSource) {
  let current: DocInfo[] | undefined
  const optional = withOptionalEvents(engine)
  return {
    read: (): DocInfo[] => {
      current ??= engine.list()
      return current
    },
    subscribe: (changed: () => void) => {
      const reread = () => {
        current = undefined
        changed()
      }
      engine.on('docs', reread)
      optional.on('list', reread)
      // What changed between the first read and now.
      reread()
      return () => {
        engine.off('docs', reread)
        optional.off('list', reread)
      }
    },
  }
}
