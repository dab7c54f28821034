/**
 * One engine for every tab of a browser profile: the tabs elect a leader (Web Locks), which opens
 * the engine and serves the others over a BroadcastChannel; each tab edits replicas of the
 * documents it uses. When the leading tab closes, the next one opens the engine (after the
 * previous engine has released the LocalStore) and the replicas hand it every edit.
 */
import { StoreInUseError, type SyncEngine, type SyncStatus } from '@y-dropbox/core'
import { ObservableV2 } from 'lib0/observable'
import * as random from 'lib0/random'
import type * as Y from 'yjs'
import { TabBus } from './bus.ts'
import { type Candidacy, leaderLockName, runForLeader } from './leader-lock.ts'
import { LeaderService } from './leader-service.ts'
import type { TabMessage } from './protocol.ts'
import { type DocHandle, TabClient, type TabEvents } from './tab-client.ts'
import type { Calls, EngineCalls, Leader, ShareEngineOptions } from './types.ts'

/** Events of a {@link SharedEngine}: the tab's view, plus this tab's own leadership. */
export type SharedEngineEvents<S> = TabEvents<S> & {
  /** This tab became the leader and its engine is open. */
  elected: () => void
  /** Opening the engine failed in this tab; leadership was given up so another tab may try. */
  error: (error: unknown) => void
}

/**
 * Joins the group of tabs `options.name` and returns this tab's handle on the group's one engine.
 * Call it once per tab, in every tab. Throws when the browser has no Web Locks API (and no
 * `options.locks` is given).
 */
export function shareEngine<S = undefined, C extends Calls = Calls>(
  options: ShareEngineOptions<S, C>,
): SharedEngine<S, C> {
  return new SharedEngine(options)
}

/** This tab's handle on the engine its group of tabs shares. */
export class SharedEngine<S = undefined, C extends Calls = Calls> extends ObservableV2<
  SharedEngineEvents<S>
> {
  /** This tab's id. */
  readonly tabId: string
  readonly #client: TabClient<S>
  readonly #bus: TabBus<TabMessage<S>>
  readonly #options: ShareEngineOptions<S, C>
  #candidacy: Candidacy | undefined
  #leader: { service: LeaderService<S, C>; parts: Leader<S, C> } | undefined
  #closed = false

  constructor(options: ShareEngineOptions<S, C>) {
    super()
    this.#options = options
    this.tabId = options.tabId ?? random.uuidv4()
    this.#bus = new TabBus(options.channel ?? new BroadcastChannel(`y-dropbox-tabs:${options.name}`))
    this.#client = new TabClient<S>(this.tabId, this.#bus)
    for (const name of ['status', 'state', 'docs', 'list', 'replaced', 'reset', 'leader'] as const) {
      // biome-ignore lint/suspicious/noExplicitAny: forwards each event with its own arguments
      this.#client.on(name, (...args: any[]) => this.emit(name, args as never))
    }
    this.#runForLeader()
  }

  /** Resolves once a leader (maybe this tab) has sent the list and status. */
  get ready(): Promise<void> {
    return this.#client.ready
  }

  /** True while this tab leads (owns the engine). */
  get isLeader(): boolean {
    return this.#leader !== undefined
  }

  /** The engine, in the leading tab only. Other tabs reach it through {@link call}. */
  get engine(): SyncEngine | undefined {
    return this.#leader?.parts.engine
  }

  /** The leading tab's id, once known. */
  get leader(): string | undefined {
    return this.#client.leader
  }

  /** The engine's status, once a leader sent it (see {@link ready}). */
  get status(): SyncStatus | undefined {
    return this.#client.status
  }

  /** The app's shared state (see `Leader.state`), once a leader sent it. */
  get state(): S | undefined {
    return this.#client.state
  }

  /** Every document, as `engine.list()` returns them (empty until {@link ready}). */
  list(): ReturnType<SyncEngine['list']> {
    return this.#client.list()
  }

  /**
   * Opens this tab's replica of document `id` (created if new): edit it like any Y.Doc; edits
   * reach the engine and every other tab, theirs arrive in it. Release it when the view closes.
   */
  open(id: string): DocHandle {
    return this.#client.open(id)
  }

  /**
   * The replica of document `id` once it holds the engine's state, kept open until {@link close}
   * (use {@link open} for views that come and go). After a `replaced` event, ask again.
   */
  async doc(id: string): Promise<Y.Doc> {
    const handle = this.#client.open(id)
    await handle.synced
    return handle.doc
  }

  /**
   * Runs an engine operation (`syncNow`, `activate`...) or one of the app's calls in the leading
   * tab, and resolves with its result; waits for a leader when there is none. Core errors arrive
   * as their own classes.
   */
  call<K extends keyof (EngineCalls & C) & string>(
    method: K,
    ...args: Parameters<(EngineCalls & C)[K]>
  ): Promise<Awaited<ReturnType<(EngineCalls & C)[K]>>> {
    return this.#client.call(method, args) as Promise<Awaited<ReturnType<(EngineCalls & C)[K]>>>
  }

  /**
   * Leaves the group: stops serving, closes the engine (after it has stored every change),
   * releases leadership so the next tab takes over, and closes the channel.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const leader = this.#leader
    this.#leader = undefined
    leader?.service.stop()
    try {
      await closeLeader(leader?.parts)
    } finally {
      // Only now may the next tab open the engine: this one has released the LocalStore.
      this.#candidacy?.resign()
      this.#client.destroy()
      this.#bus.close()
      super.destroy()
    }
  }

  #runForLeader(): void {
    const locks = this.#options.locks ?? (globalThis.navigator as Navigator | undefined)?.locks
    if (!locks) throw new Error('This browser has no Web Locks API (navigator.locks); use a current browser')
    this.#candidacy = runForLeader(locks, leaderLockName(this.#options.name), () => this.#becomeLeader())
    this.#candidacy.done.catch((error: unknown) => this.emit('error', [error]))
  }

  async #becomeLeader(): Promise<void> {
    let parts: Leader<S, C> | undefined
    try {
      parts = await this.#openEngine()
    } catch (error) {
      this.emit('error', [error])
      this.#candidacy?.resign()
      return
    }
    if (!parts) return
    if (this.#closed) {
      await closeLeader(parts)
      return
    }
    const service = new LeaderService(this.tabId, this.#bus, parts, this.#client.generation)
    this.#leader = { service, parts }
    service.start()
    this.emit('elected', [])
  }

  /**
   * Opens the engine. A leader that went away with its tab (closed, crashed) may still hold the
   * LocalStore for a moment: wait for it rather than fail.
   */
  async #openEngine(): Promise<Leader<S, C> | undefined> {
    const deadline = Date.now() + (this.#options.storeWaitMs ?? 30_000)
    for (let wait = 20; ; wait = Math.min(wait * 2, 500)) {
      if (this.#closed) return undefined
      try {
        const opened = await this.#options.open()
        return isEngine(opened) ? { engine: opened } : opened
      } catch (error) {
        if (!(error instanceof StoreInUseError) || Date.now() > deadline) throw error
      }
      await new Promise((resolve) => setTimeout(resolve, wait))
    }
  }
}

function isEngine(value: SyncEngine | Leader<unknown, Calls>): value is SyncEngine {
  return typeof (value as SyncEngine).syncNow === 'function'
}

async function closeLeader(parts: Leader<unknown, Calls> | undefined): Promise<void> {
  if (!parts) return
  if (parts.close) await parts.close()
  else await parts.engine.close()
}
