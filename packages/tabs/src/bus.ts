/**
 * The message bus of one device profile's tabs: a BroadcastChannel to the other tabs plus a
 * loopback to this tab, so the leader's own tab talks to the leader exactly like the others do.
 */

/** A channel like `BroadcastChannel` (a plain object in tests). */
export interface ChannelLike {
  /** Sends to every other instance with the same name. */
  postMessage(message: unknown): void
  /** Receives from the other instances. */
  onmessage: ((event: MessageEvent) => void) | null
  /** Stops receiving. */
  close(): void
}

/** Delivers messages to every tab of the profile, this one included. */
export class TabBus<M> {
  private readonly listeners = new Set<(message: M) => void>()
  private closed = false

  constructor(
    /** The cross-tab channel. */
    private readonly channel: ChannelLike,
  ) {
    channel.onmessage = (event) => this.deliver(event.data as M)
  }

  /** Sends to every tab; this tab receives it in a microtask, the others through the channel. */
  post(message: M): void {
    if (this.closed) return
    this.channel.postMessage(message)
    queueMicrotask(() => this.deliver(message))
  }

  /** Listens to every message; returns a function that stops listening. */
  listen(listener: (message: M) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Closes the channel; later posts are dropped. */
  close(): void {
    this.closed = true
    this.listeners.clear()
    this.channel.close()
  }

  private deliver(message: M): void {
    if (this.closed) return
    for (const listener of [...this.listeners]) {
      try {
        listener(message)
      } catch (error) {
        // One bad message must not stop the others from being handled.
        console.error('y-dropbox tabs: a tab message handler failed', error)
      }
    }
  }
}
