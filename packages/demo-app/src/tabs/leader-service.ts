/**
 * The leader side of the tab protocol: runs in the one tab that owns the sync engine. It answers
 * y-protocols sync messages against the engine's live documents, applies other tabs' edits through
 * them (so the engine captures, persists and pushes them once), broadcasts every document update
 * and every list or state change, and runs remote procedure calls.
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as sync from 'y-protocols/sync'
import type * as Y from 'yjs'
import type { ListItem } from '../model/diary-index.ts'
import type { TabBus } from './bus.ts'
import { type DownMessage, type TabMessage, toWireError, type UpMessage } from './protocol.ts'

/** What the leader serves: the engine, seen through the few calls the tabs need. */
export interface DocSource<S> {
  /** The live document `id`, created if it does not exist. */
  doc(id: string): Promise<Y.Doc>
  /** Every entry, without opening documents. */
  list(): ListItem[]
  /** The device state shown by every tab (sync status, link, name...). */
  state(): S
  /** Subscribes to changes; returns a function that unsubscribes. */
  subscribe(events: SourceEvents<S>): () => void
}

/** Changes a `DocSource` reports. */
export interface SourceEvents<S> {
  /** Entries were added, changed or deleted. */
  docs(items: ListItem[]): void
  /** The device state changed. */
  state(state: S): void
  /** Every live document was superseded (e.g. the master was downloaded): open them again. */
  reset(): void
}

/** Remote procedure calls the leader runs for any tab. */
export type CallHandlers = Record<string, (...args: never[]) => Promise<unknown>>

/** Origin of document changes that came from a tab, so they are not sent back to the engine. */
const FROM_TABS = Symbol('from tabs')

/** The leader's half of the tab protocol. */
export class LeaderService<S> {
  private readonly open = new Map<string, Promise<Y.Doc>>()
  private readonly docCleanups = new Map<string, () => void>()
  private readonly cleanups: Array<() => void> = []
  private stopped = false

  constructor(
    /** This tab's id. */
    private readonly tabId: string,
    /** The bus to the tabs of this profile. */
    private readonly bus: TabBus<TabMessage<S>>,
    /** The engine seen as documents, list and state. */
    private readonly source: DocSource<S>,
    /** Remote procedure calls offered to the tabs. */
    private readonly handlers: CallHandlers,
    /** Generation of documents to start at: the highest the tabs have seen. */
    private generation: number,
  ) {}

  /** Announces this tab as leader and starts serving. */
  start(): void {
    this.cleanups.push(
      this.bus.listen((m) => {
        if (m.dir === 'up') this.onMessage(m)
      }),
      this.source.subscribe({
        docs: (items) => this.send({ dir: 'down', t: 'docs', from: this.tabId, items }),
        state: (state) => this.send({ dir: 'down', t: 'status', from: this.tabId, state }),
        reset: () => this.reset(),
      }),
    )
    // The generation stays: replicas keep their edits and sync them into this leader's documents.
    this.send({ dir: 'down', t: 'leader', from: this.tabId })
    this.sendState()
  }

  /** Stops serving (the engine is closed by its owner). */
  stop(): void {
    this.stopped = true
    for (const cleanup of this.cleanups.splice(0)) cleanup()
    this.closeDocs()
  }

  private onMessage(m: UpMessage): void {
    if (m.t === 'hello') this.sendState(m.from)
    else if (m.t === 'y') void this.onSync(m).catch((e) => this.report('sync message', e))
    else void this.onCall(m)
  }

  private async onSync(m: Extract<UpMessage, { t: 'y' }>): Promise<void> {
    const generation = this.generation
    if (m.generation !== generation) return // from a replica of superseded documents
    const doc = await this.docFor(m.doc)
    if (this.stopped || generation !== this.generation) return
    const reply = encoding.createEncoder()
    const type = sync.readSyncMessage(decoding.createDecoder(m.data), reply, doc, FROM_TABS)
    if (encoding.length(reply) > 0) this.sendY(m.doc, encoding.toUint8Array(reply), m.from)
    if (type === sync.messageYjsSyncStep1) {
      // Server side of the y-protocols handshake: step 2 then our own step 1.
      const ask = encoding.createEncoder()
      sync.writeSyncStep1(ask, doc)
      this.sendY(m.doc, encoding.toUint8Array(ask), m.from)
    }
  }

  private async onCall(m: Extract<UpMessage, { t: 'call' }>): Promise<void> {
    const handler = Object.hasOwn(this.handlers, m.method) ? this.handlers[m.method] : undefined
    try {
      if (!handler) throw new Error(`No tab call named "${m.method}"; reload the page to update the app`)
      const value = await (handler as (...args: unknown[]) => Promise<unknown>)(...m.args)
      this.send({ dir: 'down', t: 'ret', from: this.tabId, to: m.from, id: m.id, ok: true, value })
    } catch (error) {
      const wire = toWireError(error)
      this.send({ dir: 'down', t: 'ret', from: this.tabId, to: m.from, id: m.id, ok: false, error: wire })
    }
  }

  private docFor(id: string): Promise<Y.Doc> {
    let doc = this.open.get(id)
    if (!doc) {
      const generation = this.generation
      doc = this.source.doc(id).then((d) => {
        if (generation !== this.generation || this.stopped) return d
        const onUpdate = (update: Uint8Array) => {
          if (generation !== this.generation) return
          const e = encoding.createEncoder()
          sync.writeUpdate(e, update)
          this.sendY(id, encoding.toUint8Array(e))
        }
        d.on('update', onUpdate)
        this.docCleanups.set(id, () => d.off('update', onUpdate))
        return d
      })
      doc.catch(() => this.open.delete(id))
      this.open.set(id, doc)
    }
    return doc
  }

  private closeDocs(): void {
    for (const cleanup of this.docCleanups.values()) cleanup()
    this.docCleanups.clear()
    this.open.clear()
  }

  private reset(): void {
    this.generation++
    this.closeDocs()
    this.send({ dir: 'down', t: 'reset', from: this.tabId, generation: this.generation })
    // The set of entries may have changed wholesale: send the full list with the new generation.
    this.sendState()
  }

  private sendState(to?: string): void {
    this.send({
      dir: 'down',
      t: 'state',
      from: this.tabId,
      ...(to ? { to } : {}),
      generation: this.generation,
      list: this.source.list(),
      state: this.source.state(),
    })
  }

  private sendY(doc: string, data: Uint8Array, to?: string): void {
    const generation = this.generation
    this.send({ dir: 'down', t: 'y', from: this.tabId, ...(to ? { to } : {}), generation, doc, data })
  }

  private send(message: DownMessage<S>): void {
    if (!this.stopped) this.bus.post(message)
  }

  private report(what: string, error: unknown): void {
    console.error(`y-dropbox demo: the syncing tab could not handle a ${what}`, error)
  }
}
