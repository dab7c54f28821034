/**
 * The tab side of the tab protocol, in every tab (the leader's own too): the document list, the
 * engine's status and the app's state as the leader broadcasts them, replicas of the documents
 * this tab uses (synced with the leader's live documents by y-protocols messages), and remote
 * procedure calls to the leader. Replicas outlive a leader: when the leading tab closes, the next
 * leader receives their state, so an edit made in any tab is not lost.
 */
import type { DocInfo, SyncStatus } from '@y-dropbox/core'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { ObservableV2 } from 'lib0/observable'
import * as sync from 'y-protocols/sync'
import * as Y from 'yjs'
import type { TabBus } from './bus.ts'
import { type DownMessage, fromWireError, type TabMessage, type UpMessage } from './protocol.ts'

/** Events of every tab's view of the shared engine. */
export type TabEvents<S> = {
  /** The engine's status changed. */
  status: (status: SyncStatus) => void
  /** The app's shared state changed. */
  state: (state: S) => void
  /** Documents were added, changed or deleted (their new list rows). */
  docs: (items: DocInfo[]) => void
  /** The whole list was replaced (first contact with a leader, or after a reset). */
  list: () => void
  /** The leader replaced an open document (e.g. master downloaded): use `doc` from now on. */
  replaced: (id: string, doc: Y.Doc) => void
  /** Documents were superseded; `replaced` was emitted for each open one. */
  reset: () => void
  /** A tab (maybe this one) became the leader. */
  leader: (tabId: string) => void
}

/** An open replica. Release it when the view closes. */
export interface DocHandle {
  /** The replica (the current one: it changes after a `replaced` event); edit it like any Y.Doc. */
  readonly doc: Y.Doc
  /** Resolves once the replica holds the leader's state. */
  readonly synced: Promise<void>
  /** Stops syncing this replica when no other view holds it. */
  release(): void
}

/** Engine operations that may run twice: resent to the next leader when the last one left unanswered. */
const REPEATABLE = new Set(['flush', 'syncNow', 'devices', 'compact'])

interface Replica {
  doc: Y.Doc
  refs: number
  synced: Promise<void>
  markSynced: () => void
}

interface PendingCall {
  resolve: (value: unknown) => void
  reject: (error: Error) => void
  sent: boolean
  message: Extract<UpMessage, { t: 'call' }>
}

/** One tab's view of the shared engine. */
export class TabClient<S> extends ObservableV2<TabEvents<S>> {
  /** The engine's status, once the leader sent it. */
  status: SyncStatus | undefined
  /** The app's shared state, once the leader sent it. */
  state: S | undefined
  /** The leader's tab id, once known. */
  leader: string | undefined
  /** Generation of documents; bumped when the leader's documents were superseded. */
  generation = 0
  /** Resolves when the first leader's state arrived. */
  readonly ready: Promise<void>
  private readonly rows = new Map<string, DocInfo>()
  private readonly replicas = new Map<string, Replica>()
  private readonly calls = new Map<number, PendingCall>()
  private nextCall = 1
  private markReady: () => void = () => {}
  private readonly unlisten: () => void

  constructor(
    /** This tab's id. */
    readonly tabId: string,
    /** The bus to the tabs of the group. */
    private readonly bus: TabBus<TabMessage<S>>,
  ) {
    super()
    this.ready = new Promise((resolve) => {
      this.markReady = resolve
    })
    this.unlisten = bus.listen((m) => {
      if (m.dir === 'down' && (!('to' in m) || m.to === undefined || m.to === tabId)) this.onMessage(m)
    })
    this.bus.post({ dir: 'up', t: 'hello', from: tabId })
  }

  /** Every document, as `engine.list()` returns them. */
  list(): DocInfo[] {
    return [...this.rows.values()]
  }

  /** Opens a replica of document `id` (created if new); edits reach the engine and every tab. */
  open(id: string): DocHandle {
    let replica = this.replicas.get(id)
    if (!replica) {
      replica = this.createReplica(id)
      this.replicas.set(id, replica)
    }
    replica.refs++
    let released = false
    const current = () => this.replicas.get(id) ?? replica
    return {
      get doc() {
        return current().doc
      },
      get synced() {
        return current().synced
      },
      release: () => {
        if (released) return
        released = true
        const r = this.replicas.get(id)
        if (!r || --r.refs > 0) return
        this.replicas.delete(id)
        r.doc.destroy()
      },
    }
  }

  /** Calls `method` on the leader and resolves with its answer; waits for a leader if there is none. */
  call(method: string, args: unknown[]): Promise<unknown> {
    const id = this.nextCall++
    const message: PendingCall['message'] = { dir: 'up', t: 'call', from: this.tabId, id, method, args }
    return new Promise((resolve, reject) => {
      const pending: PendingCall = { resolve, reject, sent: false, message }
      this.calls.set(id, pending)
      if (this.leader !== undefined) this.sendCall(pending)
    })
  }

  /** Stops syncing; pending calls are rejected. */
  override destroy(): void {
    this.unlisten()
    for (const call of this.calls.values())
      call.reject(new Error('This tab is closing; the call was not made'))
    this.calls.clear()
    for (const r of this.replicas.values()) r.doc.destroy()
    this.replicas.clear()
    super.destroy()
  }

  private onMessage(m: DownMessage<S>): void {
    switch (m.t) {
      case 'leader':
        this.onLeader(m.from)
        return
      case 'state':
        if (this.leader !== m.from) this.onLeader(m.from)
        this.adoptGeneration(m.generation)
        this.rows.clear()
        for (const row of m.list) this.rows.set(row.id, row)
        this.status = m.status
        if (m.app !== undefined) this.state = m.app
        this.emit('list', [])
        this.emit('status', [m.status])
        if (m.app !== undefined) this.emit('state', [m.app])
        this.markReady()
        return
      case 'docs':
        for (const row of m.items) this.rows.set(row.id, row)
        this.emit('docs', [m.items])
        return
      case 'status':
        this.status = m.status
        this.emit('status', [m.status])
        return
      case 'app':
        this.state = m.state
        this.emit('state', [m.state])
        return
      case 'reset':
        this.adoptGeneration(m.generation)
        return
      case 'y':
        this.onSync(m)
        return
      case 'ret':
        this.onReturn(m)
        return
    }
  }

  private onLeader(tabId: string): void {
    if (this.leader === tabId) return
    this.leader = tabId
    // Calls sent to a leader that has gone may or may not have run: said so rather than run twice,
    // unless running them again does no harm.
    for (const [id, call] of this.calls) {
      if (!call.sent) continue
      if (REPEATABLE.has(call.message.method)) {
        call.sent = false
        continue
      }
      this.calls.delete(id)
      call.reject(new Error('The tab that was syncing this device closed before answering; try again'))
    }
    for (const call of this.calls.values()) this.sendCall(call)
    // Hand every replica's state to the new leader, and take what it has.
    for (const [id, r] of this.replicas) this.sendStep1(id, r.doc)
    this.emit('leader', [tabId])
  }

  private onSync(m: Extract<DownMessage<S>, { t: 'y' }>): void {
    if (m.generation > this.generation) this.adoptGeneration(m.generation)
    if (m.generation !== this.generation) return
    const r = this.replicas.get(m.doc)
    if (!r) return
    const reply = encoding.createEncoder()
    const type = sync.readSyncMessage(decoding.createDecoder(m.data), reply, r.doc, this)
    if (encoding.length(reply) > 0) this.sendY(m.doc, encoding.toUint8Array(reply))
    if (type === sync.messageYjsSyncStep2) r.markSynced()
  }

  private onReturn(m: Extract<DownMessage<S>, { t: 'ret' }>): void {
    const call = this.calls.get(m.id)
    if (!call) return
    this.calls.delete(m.id)
    if (m.ok) call.resolve(m.value)
    else call.reject(fromWireError(m.error))
  }

  /**
   * The leader's documents were superseded (master downloaded): each open replica is replaced by
   * a fresh one of the new document. Edits the old replica had not yet sent go with it; the
   * engine keeps what reached it (see its document lifecycle).
   */
  private adoptGeneration(generation: number): void {
    if (generation <= this.generation) return
    this.generation = generation
    const replaced: Array<[string, Y.Doc]> = []
    for (const [id, old] of this.replicas) {
      const fresh = this.createReplica(id)
      fresh.refs = old.refs
      this.replicas.set(id, fresh)
      old.doc.destroy()
      replaced.push([id, fresh.doc])
    }
    for (const [id, doc] of replaced) this.emit('replaced', [id, doc])
    this.emit('reset', [])
  }

  private createReplica(id: string): Replica {
    const doc = new Y.Doc()
    let markSynced: () => void = () => {}
    const synced = new Promise<void>((resolve) => {
      markSynced = resolve
    })
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === this) return
      const e = encoding.createEncoder()
      sync.writeUpdate(e, update)
      this.sendY(id, encoding.toUint8Array(e))
    })
    this.sendStep1(id, doc)
    return { doc, refs: 0, synced, markSynced }
  }

  private sendStep1(id: string, doc: Y.Doc): void {
    const e = encoding.createEncoder()
    sync.writeSyncStep1(e, doc)
    this.sendY(id, encoding.toUint8Array(e))
  }

  private sendY(doc: string, data: Uint8Array): void {
    this.bus.post({ dir: 'up', t: 'y', from: this.tabId, generation: this.generation, doc, data })
  }

  private sendCall(call: PendingCall): void {
    if (call.sent) return
    call.sent = true
    this.bus.post(call.message)
  }
}
