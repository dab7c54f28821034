/**
 * The leader side of the tab protocol: runs in the one tab that owns the sync engine. It answers
 * y-protocols sync messages against the engine's live documents, applies other tabs' edits through
 * them (so the engine captures, persists and pushes them once), broadcasts every document update,
 * every list, status or app-state change, and runs remote procedure calls.
 */
import type { DocsEvent, SyncStatus } from '@y-dropbox/core'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as sync from 'y-protocols/sync'
import * as Y from 'yjs'
import type { TabBus } from './bus.ts'
import { type DownMessage, type TabMessage, toWireError, type UpMessage } from './protocol.ts'
import type { Calls, EngineCalls, Leader } from './types.ts'

/** Origin of document changes that came from a tab. */
const FROM_TABS = Symbol('from tabs')

/** The engine operations any tab may call, run against the leader's engine. */
export const ENGINE_CALLS = [
  'activate',
  'unlock',
  'changePassphrase',
  'syncNow',
  'flush',
  'downloadMaster',
  'uploadMaster',
  'deactivate',
  'deleteAllSyncData',
  'devices',
  'setDeviceName',
  'delete',
  'compact',
] as const satisfies ReadonlyArray<keyof EngineCalls>

/** The leader's half of the tab protocol. */
export class LeaderService<S, C extends Calls> {
  private readonly open = new Map<string, Promise<Y.Doc>>()
  /** The documents of the previous generation, for edits that were on their way at the reset. */
  private retired = new Map<string, Promise<Y.Doc>>()
  private readonly docCleanups = new Map<string, () => void>()
  private readonly cleanups: Array<() => void> = []
  private stopped = false
  private resetting = false

  constructor(
    /** This tab's id. */
    private readonly tabId: string,
    /** The bus to the tabs of the group. */
    private readonly bus: TabBus<TabMessage<S>>,
    /** The engine and the app's part. */
    private readonly leader: Leader<S, C>,
    /** Generation of documents to start at: the highest the tabs have seen. */
    private generation: number,
  ) {}

  /** Announces this tab as leader and starts serving. */
  start(): void {
    const { engine } = this.leader
    const onStatus = (status: SyncStatus) => this.send({ dir: 'down', t: 'status', from: this.tabId, status })
    const onDocs = (event: DocsEvent) => this.onDocs(event)
    // A master download also emits a `docs` reset; a document served since is the successor already.
    const onReplaced = (id: string, successor: Y.Doc) => {
      const served = this.open.get(id)
      served?.then(
        (doc) => {
          if (doc !== successor && this.open.get(id) === served) this.reset()
        },
        () => {},
      )
    }
    engine.on('status', onStatus)
    engine.on('docs', onDocs)
    engine.on('replaced', onReplaced)
    this.cleanups.push(
      () => engine.off('status', onStatus),
      () => engine.off('docs', onDocs),
      () => engine.off('replaced', onReplaced),
      this.bus.listen((m) => {
        if (m.dir === 'up') this.onMessage(m)
      }),
    )
    const watch = this.leader.watchState?.(() => {
      const state = this.leader.state?.()
      if (state !== undefined) this.send({ dir: 'down', t: 'app', from: this.tabId, state })
    })
    if (watch) this.cleanups.push(watch)
    // The generation stays: replicas keep their edits and sync them into this leader's documents.
    this.send({ dir: 'down', t: 'leader', from: this.tabId })
    this.sendState()
  }

  /** Stops serving (the engine is closed by its owner). */
  stop(): void {
    this.stopped = true
    for (const cleanup of this.cleanups.splice(0)) cleanup()
    this.closeDocs()
    this.retired.clear()
  }

  private onMessage(m: UpMessage): void {
    if (m.t === 'hello') this.sendState(m.from)
    else if (m.t === 'y') this.onSync(m).catch((e) => this.report('sync message', e))
    else this.onCall(m).catch((e) => this.report('call', e))
  }

  private async onSync(m: Extract<UpMessage, { t: 'y' }>): Promise<void> {
    const generation = this.generation
    if (m.generation === generation - 1) return this.onRetiredUpdate(m)
    if (m.generation !== generation) return // from a replica of documents superseded long ago
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

  /**
   * An edit made in a replica before it learnt of the reset goes into the document it was made
   * for: the engine keeps edits to a superseded document (its backup) and reports them, rather
   * than drop them.
   */
  private async onRetiredUpdate(m: Extract<UpMessage, { t: 'y' }>): Promise<void> {
    const retired = this.retired.get(m.doc)
    if (!retired) return
    const decoder = decoding.createDecoder(m.data)
    const type = decoding.readVarUint(decoder)
    if (type !== sync.messageYjsUpdate && type !== sync.messageYjsSyncStep2) return
    Y.applyUpdate(await retired, decoding.readVarUint8Array(decoder), FROM_TABS)
  }

  private async onCall(m: Extract<UpMessage, { t: 'call' }>): Promise<void> {
    const handler = this.handler(m.method)
    try {
      if (!handler) throw new Error(`No tab call named "${m.method}"; reload the page to update the app`)
      const value = await handler(...m.args)
      this.send({ dir: 'down', t: 'ret', from: this.tabId, to: m.from, id: m.id, ok: true, value })
    } catch (error) {
      const wire = toWireError(error)
      this.send({ dir: 'down', t: 'ret', from: this.tabId, to: m.from, id: m.id, ok: false, error: wire })
    }
  }

  private handler(method: string): ((...args: unknown[]) => Promise<unknown>) | undefined {
    const { calls, engine } = this.leader
    if (calls && Object.hasOwn(calls, method))
      return calls[method] as (...args: unknown[]) => Promise<unknown>
    if (!(ENGINE_CALLS as readonly string[]).includes(method)) return undefined
    const call = engine[method as (typeof ENGINE_CALLS)[number]] as (...args: unknown[]) => Promise<unknown>
    return (...args) => call.apply(engine, args)
  }

  private onDocs(event: DocsEvent): void {
    if (event.origin === 'reset') {
      this.reset()
      return
    }
    const ids = new Set([...event.added, ...event.changed, ...event.deleted])
    const items = this.leader.engine.list().filter((i) => ids.has(i.id))
    this.send({ dir: 'down', t: 'docs', from: this.tabId, items })
  }

  private docFor(id: string): Promise<Y.Doc> {
    let doc = this.open.get(id)
    if (!doc) {
      const generation = this.generation
      const opening = this.leader.doc ? this.leader.doc(id) : this.leader.engine.doc(id)
      doc = opening.then((d) => {
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

  /**
   * The engine's documents were superseded: every replica starts again from the new ones. One
   * master download replaces many documents at once; they make one reset.
   */
  private reset(): void {
    if (this.resetting) return
    this.resetting = true
    queueMicrotask(() => {
      this.resetting = false
      if (!this.stopped) this.resetNow()
    })
  }

  private resetNow(): void {
    this.generation++
    this.retired = new Map(this.open)
    this.closeDocs()
    this.send({ dir: 'down', t: 'reset', from: this.tabId, generation: this.generation })
    // The set of documents may have changed wholesale: send the full list with the new generation.
    this.sendState()
  }

  private sendState(to?: string): void {
    this.send({
      dir: 'down',
      t: 'state',
      from: this.tabId,
      ...(to ? { to } : {}),
      generation: this.generation,
      list: this.leader.engine.list(),
      status: this.leader.engine.status,
      app: this.leader.state?.(),
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
    console.error(`y-dropbox tabs: the leading tab could not handle a ${what}`, error)
  }
}
