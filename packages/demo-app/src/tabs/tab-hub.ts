/**
 * Ties the tab protocol together for one device profile: a bus, this tab's client, and a candidacy
 * for leadership. When this tab is elected it opens the engine (through `openLeader`) and serves
 * the other tabs until it closes; then the next tab in line takes over.
 */
import { ObservableV2 } from 'lib0/observable'
import { type ChannelLike, TabBus } from './bus.ts'
import { type Candidacy, type LockManagerLike, leaderLockName, runForLeader } from './leader-lock.ts'
import { type CallHandlers, type DocSource, LeaderService } from './leader-service.ts'
import type { TabMessage } from './protocol.ts'
import { TabClient } from './tab-client.ts'

/** What the elected tab opens: the engine as a document source, its calls, and how to close it. */
export interface LeaderParts<S> {
  /** Documents, list and state of the engine. */
  source: DocSource<S>
  /** Remote procedure calls offered to every tab. */
  handlers: CallHandlers
  /** Closes the engine and its stores. */
  close(): Promise<void>
}

/** Options of a `TabHub`. */
export interface TabHubOptions<S> {
  /** The device profile (`?device=`), which names the lock and the channel. */
  device: string
  /** Opens the engine once this tab is elected leader. */
  openLeader: () => Promise<LeaderParts<S>>
  /** This tab's id (default: random). */
  tabId?: string
  /** The cross-tab channel (default: a `BroadcastChannel` named after the device). */
  channel?: ChannelLike
  /** The lock manager (default: `navigator.locks`). */
  locks?: LockManagerLike
}

/** Events of a `TabHub`. */
export type TabHubEvents = {
  /** This tab became the leader and its engine is open. */
  elected: () => void
  /** Opening the engine failed in this tab; the lock was given up so another tab may try. */
  error: (error: unknown) => void
}

/** One tab's membership in its device profile's group of tabs. */
export class TabHub<S> extends ObservableV2<TabHubEvents> {
  /** This tab's view of the device (index, state, replicas, calls). */
  readonly client: TabClient<S>
  private readonly bus: TabBus<TabMessage<S>>
  private candidacy: Candidacy | undefined
  private leader: { service: LeaderService<S>; parts: LeaderParts<S> } | undefined
  private closed = false

  constructor(private readonly options: TabHubOptions<S>) {
    super()
    const tabId = options.tabId ?? globalThis.crypto.randomUUID()
    this.bus = new TabBus(options.channel ?? new BroadcastChannel(`y-dropbox-demo:${options.device}`))
    this.client = new TabClient<S>(tabId, this.bus)
    this.runForLeader()
  }

  /** True while this tab owns the engine. */
  get isLeader(): boolean {
    return this.leader !== undefined
  }

  /**
   * Leaves the group: stops serving, closes the engine (after it has flushed), releases the lock so
   * the next tab takes over, and closes the channel.
   */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    const leader = this.leader
    this.leader = undefined
    leader?.service.stop()
    try {
      await leader?.parts.close()
    } finally {
      this.candidacy?.resign()
      this.client.destroy()
      this.bus.close()
      super.destroy()
    }
  }

  private runForLeader(): void {
    const locks = this.options.locks ?? (globalThis.navigator as Navigator | undefined)?.locks
    if (!locks) throw new Error('This browser has no Web Locks API (navigator.locks); use a current browser')
    this.candidacy = runForLeader(locks, leaderLockName(this.options.device), () => this.becomeLeader())
    this.candidacy.done.catch((error: unknown) => this.emit('error', [error]))
  }

  private async becomeLeader(): Promise<void> {
    if (this.closed) return
    let parts: LeaderParts<S>
    try {
      parts = await this.options.openLeader()
    } catch (error) {
      this.emit('error', [error])
      this.candidacy?.resign()
      return
    }
    if (this.closed) {
      await parts.close()
      return
    }
    const service = new LeaderService(
      this.client.tabId,
      this.bus,
      parts.source,
      parts.handlers,
      this.client.generation,
    )
    this.leader = { service, parts }
    service.start()
    this.emit('elected', [])
  }
}
