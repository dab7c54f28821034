/**
 * Leader election between the tabs of one browser profile with the Web Locks API: the tab holding
 * the lock `y-dropbox-tabs:<name>` is the leader until it closes; the browser then hands the lock
 * to the next waiting tab.
 */

/** The part of `navigator.locks` used here. */
export interface LockManagerLike {
  /** Waits for the lock, runs `callback`, holds the lock until its promise settles. */
  request(
    name: string,
    options: { signal?: AbortSignal },
    callback: (lock: unknown) => Promise<unknown>,
  ): Promise<unknown>
}

/** A running candidacy for leadership. */
export interface Candidacy {
  /** Resolves when this tab gives leadership up (after `resign`), or rejects if the lock failed. */
  readonly done: Promise<void>
  /** Stops waiting for the lock, or releases it if held. */
  resign(): void
}

/**
 * Waits for the lock `name` and calls `onElected` once it is held; keeps it until `resign()` or
 * until the tab goes away. `onElected` runs inside the lock, so a second leader cannot start before
 * this one is gone.
 */
export function runForLeader(
  locks: LockManagerLike,
  name: string,
  onElected: () => Promise<void> | void,
): Candidacy {
  const abort = new AbortController()
  let release: () => void = () => {}
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  const done = locks
    .request(name, { signal: abort.signal }, async () => {
      await onElected()
      await released
    })
    .then(
      () => undefined,
      (error: unknown) => {
        if (abort.signal.aborted) return
        throw error
      },
    )
  return {
    done,
    resign() {
      abort.abort()
      release()
    },
  }
}

/** The lock name of a group of tabs. */
export function leaderLockName(name: string): string {
  return `y-dropbox-tabs:${name}`
}
