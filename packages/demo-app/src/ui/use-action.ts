/** Runs a user action (an async operation) with a busy flag and an error message for the screen. */
import { useCallback, useState } from 'preact/hooks'

/** The state and runner of {@link useAction}. */
export interface Action {
  /** Label of the running action, if any. */
  busy: string | undefined
  /** Message of the last failure, if any. */
  error: string | undefined
  /** Runs `task` unless another action is running; failures land in `error`. */
  run: (label: string, task: () => Promise<void>) => void
  /** Hides the error. */
  clearError: () => void
}

/** Turns anything thrown into a message for the user. */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.replace(/^./, (c) => c.toUpperCase())
}

/** One action at a time, with its failure shown. */
export function useAction(): Action {
  const [busy, setBusy] = useState<string | undefined>(undefined)
  const [error, setError] = useState<string | undefined>(undefined)
  const run = useCallback(
    (label: string, task: () => Promise<void>) => {
      if (busy) return
      setBusy(label)
      setError(undefined)
      task()
        .catch((e: unknown) => setError(errorMessage(e)))
        .finally(() => setBusy(undefined))
    },
    [busy],
  )
  return { busy, error, run, clearError: () => setError(undefined) }
}
