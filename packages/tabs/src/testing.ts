/**
 * @packageDocumentation
 * For tests of apps that share an engine between tabs: several `shareEngine()` calls in one
 * process (Node has `BroadcastChannel`) with one `MemoryLocks` stand for the tabs of one profile.
 */
import type { LockManagerLike } from './leader-lock.ts'

/** An in-process Web Locks manager (exclusive locks, FIFO), as tabs of one browser share. */
export class MemoryLocks implements LockManagerLike {
  private readonly held = new Set<string>()
  private readonly queues = new Map<string, Array<() => void>>()

  /** Waits for `name`, runs `callback`, holds the lock until its promise settles. */
  request(name: string, options: { signal?: AbortSignal }, callback: (lock: unknown) => Promise<unknown>) {
    return new Promise<unknown>((resolve, reject) => {
      const run = () => {
        this.held.add(name)
        callback({ name })
          .then(resolve, reject)
          .finally(() => {
            this.held.delete(name)
            this.queues.get(name)?.shift()?.()
          })
      }
      if (!this.held.has(name)) return run()
      const queue = this.queues.get(name) ?? []
      this.queues.set(name, queue)
      queue.push(run)
      options.signal?.addEventListener('abort', () => {
        const i = queue.indexOf(run)
        if (i < 0) return
        queue.splice(i, 1)
        reject(new DOMException('The lock request was aborted', 'AbortError'))
      })
    })
  }

  /** True while someone holds `name`. */
  isHeld(name: string): boolean {
    return this.held.has(name)
  }
}
