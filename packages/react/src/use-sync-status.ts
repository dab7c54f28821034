import type { SyncStatus } from '@y-dropbox/core'
import { useCallback, useSyncExternalStore } from 'react'
import type { StatusSource } from './sources.ts'

/**
 * The engine's status (`state`, `message`, `pending`...), re-rendering on every change. Pass a
 * `SyncEngine`, or a `SharedEngine` (then `undefined` until the leading tab answered).
 */
export function useSyncStatus<S extends SyncStatus | undefined>(engine: StatusSource<S>): S {
  const subscribe = useCallback(
    (changed: () => void) => {
      engine.on('status', changed)
      return () => {
        engine.off('status', changed)
      }
    },
    [engine],
  )
  const read = () => engine.status
  return useSyncExternalStore(subscribe, read, read)
}
