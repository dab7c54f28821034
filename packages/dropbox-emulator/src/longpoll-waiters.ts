/**
 * Pending `list_folder/longpoll` requests, woken by changes under their folder.
 */
import type { ChangeSet } from './namespace.ts'
import { isInFolder } from './paths.ts'

interface Waiter {
  folder: string
  recursive: boolean
  finish: (changes: boolean) => void
}

/** The set of waiting long-polls. */
export class LongpollWaiters {
  private readonly waiters = new Set<Waiter>()

  /** How many long-polls are waiting. */
  get size(): number {
    return this.waiters.size
  }

  /**
   * Resolves true when something in `folder` changes, false after `timeoutMs` or when `signal`
   * aborts (client gone, emulator closing).
   */
  wait(folder: string, recursive: boolean, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(false)
      const waiter: Waiter = {
        folder,
        recursive,
        finish: (changes) => {
          clearTimeout(timer)
          signal.removeEventListener('abort', onAbort)
          this.waiters.delete(waiter)
          resolve(changes)
        },
      }
      const onAbort = () => waiter.finish(false)
      const timer = setTimeout(() => waiter.finish(false), timeoutMs)
      signal.addEventListener('abort', onAbort, { once: true })
      this.waiters.add(waiter)
    })
  }

  /** Wakes the long-polls a change concerns (all of them on a wipe). */
  notify(change: ChangeSet): void {
    for (const w of [...this.waiters]) {
      if (
        change.reset !== undefined ||
        change.entries.some((e) => isInFolder(e.lower, w.folder, w.recursive))
      ) {
        w.finish(true)
      }
    }
  }

  /** Ends every long-poll with "no changes". */
  endAll(): void {
    for (const w of [...this.waiters]) w.finish(false)
  }
}
