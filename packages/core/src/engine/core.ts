/**
 * The engine's local half: device state, the document index, live documents,
 * capturing edits and making them durable, and applying remote updates. Every
 * read-modify-write of the LocalStore runs under `lock`, so a flush and a pull
 * never interleave.
 */
import * as Y from 'yjs'
import { CorruptBlobError, YDropboxError } from '../errors.ts'
import type { BlobEntry } from '../format/blob.ts'
import { assertDocId } from '../ids.ts'
import type { LocalStore, LocalWrite } from '../local-store.ts'
import { PoolLayout } from '../remote/layout.ts'
import { Device, type DeviceStateView } from './device-state.ts'
import { DocIndex, type IndexEntry } from './doc-index.ts'
import { type DocsEvent, SafeObservable, type SyncEngineEvents } from './events.ts'
import { LiveDocs } from './live-docs.ts'
import { keys } from './local-state.ts'
import { Mutex } from './mutex.ts'
import type { ResolvedOptions } from './options.ts'
import { isDeletedDoc, META_MAP, REMOTE_ORIGIN, scratchDoc } from './origins.ts'

/** Remote entries from one source (a device id, or `snapshot`): a batch or a shard as decoded. */
export interface RemoteBatch {
  source: string
  entries: readonly BlobEntry[]
}

/** Local documents and durable state of one engine. */
export class EngineCore {
  readonly lock = new Mutex()
  readonly index: DocIndex
  readonly layout: PoolLayout
  readonly events: SafeObservable<SyncEngineEvents>
  /** Documents with changes not yet sealed into a batch (keys `p/...`). */
  readonly pendingIds = new Set<string>()
  /** Sealed batches waiting for upload: seq → document ids. */
  readonly outbox = new Map<number, string[]>()
  readonly #queue = new Map<string, Uint8Array[]>()
  readonly #live = new LiveDocs()
  #flushTimer: ReturnType<typeof setTimeout> | undefined
  /** When the captured edits were due to be written (`Date.now()` time). */
  #flushDueAt: number | undefined
  #closed = false
  /**
   * Called after each flush that stored changes (the sync layer schedules a
   * push), with the time the write was due: the push delay counts from then,
   * not from when the write ended, so a slow store does not delay the upload.
   */
  onLocalChange: (dueAt?: number) => void = () => {}

  private constructor(
    readonly store: LocalStore,
    readonly options: ResolvedOptions,
    /** This device's sync state and its transitions. */
    readonly device: Device,
    index: DocIndex,
  ) {
    this.index = index
    this.layout = new PoolLayout(options.root)
    this.events = new SafeObservable(options.onError)
  }

  /** Loads (or creates) the device state, the index and the pending list. */
  static async load(store: LocalStore, options: ResolvedOptions): Promise<EngineCore> {
    // Read together: each read of a browser's IndexedDB is a round trip to another process.
    const index = new DocIndex()
    const [device, , pendingKeys] = await Promise.all([
      Device.load(store, options.deviceName),
      index.load(store),
      store.keys(keys.pendingPrefix),
    ])
    const core = new EngineCore(store, options, device, index)
    for (const key of pendingKeys) core.pendingIds.add(key.slice(keys.pendingPrefix.length))
    // A store of an earlier version: its index in today's layout, and the format that says so, in one write.
    const upgrade = index.takeWrites()
    if (upgrade.length > 0 || device.upgraded) await device.save(upgrade)
    return core
  }

  /** This device's sync state, read only (change it through `device`). */
  get state(): DeviceStateView {
    return this.device.state
  }

  /** Number of documents whose changes are not on the remote yet. */
  get pendingCount(): number {
    const ids = new Set(this.pendingIds)
    for (const id of this.#queue.keys()) ids.add(id)
    for (const docIds of this.outbox.values()) for (const id of docIds) ids.add(id)
    return ids.size
  }

  /** True when edits are captured but not yet written. */
  get hasUnflushed(): boolean {
    return this.#queue.size > 0
  }

  /** The live document, loading it from the store on first use. */
  doc(id: string): Promise<Y.Doc> {
    return this.#open(id)
  }

  /**
   * Adopts the app's `doc` as entry `id`: the stored state is merged into it,
   * its own prior content is kept and saved like any change. Rejects when the
   * entry is open as another doc.
   */
  async attach(id: string, doc: Y.Doc): Promise<void> {
    await this.#open(id, doc)
  }

  /** Ids of the live documents (opened or attached, not destroyed). */
  get liveIds(): string[] {
    return this.#live.ids()
  }

  async #open(id: string, given?: Y.Doc): Promise<Y.Doc> {
    assertDocId(id)
    this.#assertOpen()
    const open = () => {
      const live = this.#live.get(id)
      if (live && given && live !== given) {
        throw new YDropboxError(
          `entry ${JSON.stringify(id)} is already open as another Y.Doc; destroy that one first, or use engine.doc(id) to get it`,
        )
      }
      return live
    }
    const live = open()
    if (live) return live
    return this.lock.run(async () => {
      const again = open()
      if (again) return again
      const stored = await this.store.get(keys.doc(id))
      const queued = this.#queue.get(id) ?? []
      // The id as guid: unique per collection, and no random draw per opened document.
      const doc = given ?? new Y.Doc({ gc: true, guid: id })
      const known = [...(stored ? [stored] : []), ...queued]
      let prior: Uint8Array | undefined
      try {
        // Checked before anything reaches an app's doc: a damaged copy must not half-apply.
        if (given && stored) Y.decodeUpdate(stored)
        prior = given && given.store.clients.size > 0 ? contentBeyond(given, known) : undefined
        for (const update of known) Y.applyUpdate(doc, update, REMOTE_ORIGIN)
      } catch (error) {
        if (!given) doc.destroy()
        throw new CorruptBlobError(
          `the stored copy of document ${JSON.stringify(id)} is damaged`,
          keys.doc(id),
          { cause: error },
        )
      }
      this.#live.add(id, doc, (update) => this.#capture(id, update))
      const isNew = !stored && !this.index.get(id)
      if (prior) this.#capture(id, prior)
      else if (isNew) {
        // A new document exists as soon as it is opened, even before its first edit.
        this.#queue.set(id, this.#queue.get(id) ?? [])
        this.#scheduleFlush()
      }
      if (isNew) this.index.set(id, { updatedAt: this.options.now(), deleted: false })
      return doc
    })
  }

  /** Marks a document deleted (a flag in the document, so it syncs like an edit). */
  async delete(id: string): Promise<void> {
    assertDocId(id)
    const doc = await this.doc(id)
    doc.getMap(META_MAP).set('deleted', true)
    await this.flush()
  }

  /** Writes every captured edit to the store; resolves when they are durable. */
  async flush(): Promise<void> {
    this.#assertOpen()
    if (this.#flushTimer) clearTimeout(this.#flushTimer)
    this.#flushTimer = undefined
    await this.lock.run(() => this.#flushLocked())
  }

  async #flushLocked(): Promise<void> {
    if (this.#queue.size === 0) return
    const queued = [...this.#queue]
    this.#queue.clear()
    const dueAt = Math.min(this.#flushDueAt ?? Number.POSITIVE_INFINITY, Date.now())
    this.#flushDueAt = undefined
    const writes: LocalWrite[] = []
    const event: DocsEvent = { added: [], changed: [], deleted: [], origin: 'local' }
    const now = this.options.now()
    for (const [id, updates] of queued) {
      const before = this.index.get(id)
      const [stored, pending] = await Promise.all([
        this.store.get(keys.doc(id)),
        this.store.get(keys.pending(id)),
      ])
      const live = this.#live.get(id)
      const entry: IndexEntry = { ...(before ?? { deleted: false }), updatedAt: now }
      if (updates.length > 0) {
        const update = Y.mergeUpdates(updates)
        writes.push([keys.doc(id), stored ? Y.mergeUpdates([stored, update]) : update])
        writes.push([keys.pending(id), pending ? Y.mergeUpdates([pending, update]) : update])
        this.pendingIds.add(id)
        if (!entry.deleted && (live ? isDeletedDoc(live) : updateSetsDeleted(update))) entry.deleted = true
      } else if (!stored) {
        // Opened but not edited yet: it exists, here and (once pushed) everywhere.
        writes.push([keys.doc(id), emptyUpdate()], [keys.pending(id), pending ?? emptyUpdate()])
        this.pendingIds.add(id)
      }
      if (live && this.options.summarize) {
        const summary = safeSummary(this.options, live, id)
        if (JSON.stringify(summary) !== JSON.stringify(entry.summary)) {
          entry.summary = summary
          entry.summaryDirty = true
        }
        entry.summaryStale = false
        entry.summaryBy = 'local'
      }
      this.index.set(id, entry)
      // Opening a new document lists it at once (index entry, no stored copy): its first write adds it.
      if (!before || !stored) event.added.push(id)
      else if (entry.deleted && !before.deleted) event.deleted.push(id)
      else event.changed.push(id)
    }
    writes.push(...this.index.takeWrites())
    await this.store.write(writes)
    this.events.emit('docs', [event])
    this.onLocalChange(dueAt)
  }

  /** Persists the device state (with any extra writes) in one atomic write. */
  async saveState(extra: LocalWrite[] = []): Promise<void> {
    await this.device.save(extra)
  }

  /**
   * Merges remote entries into the local documents, the index and any live
   * documents, in one atomic write together with `extra` and the device state
   * (so coverage is recorded with the updates it covers). Caller holds `lock`.
   * With `deferIndex`, changed index buckets are written by a later call (a
   * snapshot's shards each touch every bucket: writing them once, not per shard).
   */
  async applyRemoteLocked(
    batches: readonly RemoteBatch[],
    extra: LocalWrite[] = [],
    deferIndex = false,
  ): Promise<DocsEvent> {
    // Grouped as they are, not copied per entry: a bootstrap brings millions of entries.
    const byDoc = new Map<string, { entries: BlobEntry[]; sources: Set<string> }>()
    for (const { source, entries } of batches) {
      for (const entry of entries) {
        const doc = byDoc.get(entry.docId)
        if (doc) {
          doc.entries.push(entry)
          doc.sources.add(source)
        } else byDoc.set(entry.docId, { entries: [entry], sources: new Set([source]) })
      }
    }
    const writes: LocalWrite[] = [...extra]
    const event: DocsEvent = { added: [], changed: [], deleted: [], origin: 'remote' }
    const ids = [...byDoc.keys()]
    const stored = await Promise.all(ids.map((id) => this.store.get(keys.doc(id))))
    ids.forEach((id, i) => {
      const { entries: list, sources } = byDoc.get(id)!
      const updates = list.map((e) => e.update)
      const current = stored[i]
      const all = current ? [current, ...updates] : updates
      // A document seen for the first time in one update (a bootstrap) is stored as it came,
      // once decoding proves it well formed (merging would have proved it too).
      if (all.length === 1) Y.decodeUpdate(all[0]!)
      writes.push([keys.doc(id), all.length === 1 ? all[0]! : Y.mergeUpdates(all)])
      const before = this.index.get(id)
      let entry = before
      const unsent = this.pendingIds.has(id) || this.#queue.has(id)
      entry = this.index.mergeRemote(id, list, sources, unsent)
      const live = this.#live.get(id)
      if (live) for (const update of updates) Y.applyUpdate(live, update, REMOTE_ORIGIN)
      if (!before) event.added.push(id)
      else if (entry?.deleted && !before.deleted) event.deleted.push(id)
      else event.changed.push(id)
    })
    if (!deferIndex) writes.push(...this.index.takeWrites())
    writes.push(this.device.record())
    await this.store.write(writes)
    return event
  }

  /**
   * Stops syncing the live documents before the database is replaced (a
   * master download): an edit made to one of them from now on goes to
   * `late(id, doc)`. Captured edits not yet written are written first, so they
   * are part of the backup. Returns the ids that were live. Caller holds the lock.
   */
  async supersedeLiveLocked(late: (id: string, doc: Y.Doc) => void): Promise<string[]> {
    await this.#flushLocked()
    return this.#live.supersede(late)
  }

  /**
   * Opens new live documents for those of `ids` that exist after a
   * replacement, and announces each (`replaced`). An entry the new database
   * lacks gets none: its content is in the backup.
   */
  async reopen(ids: readonly string[]): Promise<void> {
    for (const id of ids) if (this.index.get(id)) this.events.emit('replaced', [id, await this.doc(id)])
  }

  /** Writes what is captured, stops capturing, forgets live documents. */
  async close(): Promise<void> {
    if (this.#closed) return
    await this.flush()
    this.#closed = true
    this.#live.clear()
  }

  #capture(id: string, update: Uint8Array): void {
    if (this.#closed) return
    const list = this.#queue.get(id)
    if (list) list.push(update)
    else this.#queue.set(id, [update])
    this.#scheduleFlush()
  }

  #scheduleFlush(): void {
    if (this.#flushTimer || this.#closed) return
    this.#flushDueAt = Date.now() + this.options.flushDelayMs
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined
      this.lock
        .run(() => this.#flushLocked())
        .catch((error) => this.options.onError(error, 'saving changes failed'))
    }, this.options.flushDelayMs)
  }

  #assertOpen(): void {
    if (this.#closed)
      throw new Error('y-dropbox: this engine is closed; open a new one with SyncEngine.open()')
  }
}

/**
 * What `doc` holds beyond `known` (stored updates), as one update; undefined
 * when it holds nothing more (same items, same deletions).
 */
function contentBeyond(doc: Y.Doc, known: Uint8Array[]): Uint8Array | undefined {
  if (known.length === 0) return Y.encodeStateAsUpdate(doc)
  const merged = known.length === 1 ? known[0]! : Y.mergeUpdates(known)
  const before = scratchDoc()
  Y.applyUpdate(before, merged)
  const after = scratchDoc()
  Y.applyUpdate(after, merged)
  Y.applyUpdate(after, Y.encodeStateAsUpdate(doc))
  const same = Y.equalSnapshots(Y.snapshot(before), Y.snapshot(after))
  before.destroy()
  after.destroy()
  return same ? undefined : Y.encodeStateAsUpdate(doc, Y.encodeStateVectorFromUpdate(merged))
}

function updateSetsDeleted(update: Uint8Array): boolean {
  const doc = scratchDoc()
  Y.applyUpdate(doc, update)
  const deleted = isDeletedDoc(doc)
  doc.destroy()
  return deleted
}

function emptyUpdate(): Uint8Array {
  return Y.encodeStateAsUpdate(scratchDoc())
}

function safeSummary(options: ResolvedOptions, doc: Y.Doc, id: string): unknown {
  try {
    return options.summarize?.(doc)
  } catch (error) {
    options.onError(error, `summarize() threw for document ${id}`)
    return undefined
  }
}
