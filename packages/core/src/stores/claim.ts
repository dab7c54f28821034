/** The in-process half of `LocalStore.claim`: one engine per store object. */
import { StoreInUseError } from '../errors.ts'
import type { LocalStoreClaim } from '../local-store.ts'

/** Hands a store to one holder at a time. */
export class ClaimFlag {
  #held = false

  /** Claims the store, or throws `StoreInUseError` naming `what` when it is held. */
  take(what: string): LocalStoreClaim {
    if (this.#held) throw storeInUse(what, 'another engine in this app')
    this.#held = true
    let released = false
    return {
      release: async () => {
        if (released) return
        released = true
        this.#held = false
      },
    }
  }
}

/** The error of a store held by `holder`. */
export function storeInUse(what: string, holder: string): StoreInUseError {
  return new StoreInUseError(
    `${what} is already in use by ${holder}: close it first, or share one engine between ` +
      'tabs (a leader tab syncs for the others) instead of opening one per tab',
  )
}
