/**
 * `SyncEngine`: a collection of Yjs documents kept in sync across devices
 * through a shared `BlobStore`. This file holds the public API, the status
 * and the background loop; the steps live beside it (push, pull, snapshot,
 * maintenance, lifecycle).
 */
import type * as Y from 'yjs'
import { AuthError, CorruptBlobError, NeedsMasterError, PoolDeletedError, YDropboxError } from '../errors.ts'
import type { LocalStoreClaim } from '../local-store.ts'
import type { PoolRecord } from '../remote/records.ts'
import { RemoteView } from '../remote/remote-view.ts'
import type { SyncContext } from './context.ts'
import { EngineCore } from './core.ts'
import { ensureKey, loadKey, setCipher, useKey, verifyPool } from './encryption.ts'
import type { SyncEngineEvents } from './events.ts'
import * as lifecycle from './lifecycle.ts'
import {
  collectGarbage,
  compact,
  type PoolDevice,
  readDevices,
  refreshSummaries,
  uncompacted,
  writeDeviceRecord,
} from './maintenance.ts'
import { Mutex } from './mutex.ts'
import { type ResolvedOptions, resolveOptions, type SyncEngineOptions } from './options.ts'
import { pull } from './pull.ts'
import { loadOutbox, seal, uploadOutbox } from './push.ts'
import { changes, describeFailure, idleMessage, SyncState, type SyncStatus } from './status.ts'
import { SyncLoop } from './sync-loop.ts'

/** The housekeeping chores of a round. */
type Chore = 'device-record' | 'compaction' | 'summaries' | 'garbage-collection'

const CHORE_NOTICES: Record<Chore, string> = {
  'device-record': 'The device list in the sync folder could not be updated; syncing goes on.',
  compaction: 'Compacting the sync data failed; syncing goes on and it is tried again later.',
  summaries: 'Entry summaries could not be refreshed; syncing goes on.',
  'garbage-collection': 'Old sync files could not be removed; syncing goes on and it is tried again later.',
}

/** What `list()` returns for each document. */
export interface DocInfo {
  id: string
  updatedAt: number
  deleted: boolean
  /** The app's summary (see the `summarize` option), if any. */
  summary?: unknown
}

/** Keeps a collection of Yjs documents in sync through a shared file store. */
export class SyncEngine {
  readonly #core: EngineCore
  readonly #ctx: SyncContext
  readonly #options: ResolvedOptions
  readonly #rounds = new Mutex()
  #status: SyncStatus
  readonly #loop: SyncLoop
  /** Garbage collection runs at most hourly, and not in the first round (a bootstrap need not pay for it). */
  #lastGc: number
  readonly #notices = new Set<string>()
  #moreWork = false
  #closed = false
  #claim: LocalStoreClaim | undefined
  /** Housekeeping chores failing in a row: chore → rounds. */
  readonly #choreFailures = new Map<Chore, number>()

  private constructor(core: EngineCore, options: ResolvedOptions) {
    this.#core = core
    this.#options = options
    this.#lastGc = options.now()
    this.#ctx = {
      core,
      remote: options.remote,
      view: new RemoteView(options.remote, core.layout),
      progress: (progress) => this.#setStatus({ progress }),
      notice: (message) => {
        this.#notices.add(message)
        this.#setStatus({ message })
      },
      quarantined: (path, error) => {
        const why = error instanceof Error ? error.message.replace(/^y-dropbox: /, '') : String(error)
        options.onError(error, `skipped a damaged sync file ${path}`)
        this.#setStatus({ message: `Skipped a damaged sync file (${why}); syncing goes on.` })
      },
    }
    this.#status = { state: SyncState.inactive, message: 'Sync is off on this device', pending: 0 }
    this.#loop = new SyncLoop(
      {
        round: () => this.#guard(() => this.#round()),
        active: () => this.#core.state.active && !this.#closed,
        cursor: () => this.#ctx.view.cursor,
        moreWork: () => this.#moreWork,
      },
      options.remote,
      options,
    )
    core.onLocalChange = () => {
      if (this.#status.state === SyncState.idle) this.#restStatus()
      else this.#setStatus({})
      if (this.#core.state.active) this.#loop.schedulePush()
    }
  }

  /** Opens the engine on a device's LocalStore; resumes syncing if it was active. */
  static async open(options: SyncEngineOptions): Promise<SyncEngine> {
    const resolved = resolveOptions(options)
    // One engine per store: a second one (another tab) would overwrite this one's unsent changes.
    const claim = await resolved.local.claim?.()
    try {
      const core = await EngineCore.load(resolved.local, resolved)
      const engine = new SyncEngine(core, resolved)
      engine.#claim = claim
      setCipher(engine.#ctx, await loadKey(core))
      await loadOutbox(engine.#ctx)
      engine.#restStatus()
      if (core.state.active) engine.#startLoop()
      return engine
    } catch (error) {
      await claim?.release()
      throw error
    }
  }

  /** The current status. */
  get status(): SyncStatus {
    return this.#status
  }

  /** This device's id in the pool (changes if a clone of this device is detected). */
  get deviceId(): string {
    return this.#core.state.deviceId
  }

  /** The pool and epoch this device syncs with, when sync was ever activated. */
  get pool(): { poolId: string; epoch: string } | undefined {
    const { poolId, epoch } = this.#core.state
    return poolId && epoch ? { poolId, epoch } : undefined
  }

  /** This device's name, as other devices see it. */
  get deviceName(): string {
    return this.#core.state.deviceName
  }

  /** Subscribes to an event. */
  on<K extends keyof SyncEngineEvents>(name: K, listener: SyncEngineEvents[K]): void {
    this.#core.events.on(name, listener)
  }

  /** Unsubscribes from an event. */
  off<K extends keyof SyncEngineEvents>(name: K, listener: SyncEngineEvents[K]): void {
    this.#core.events.off(name, listener)
  }

  /**
   * The live document `id`, created if it does not exist. Edits are captured,
   * stored and pushed automatically; remote changes are applied to it. Call
   * `doc.destroy()` to release it.
   */
  doc(id: string): Promise<Y.Doc> {
    return this.#core.doc(id)
  }

  /** Every document known here, without loading any. */
  list(): DocInfo[] {
    const out: DocInfo[] = []
    for (const [id, entry] of this.#core.index.entries()) {
      const info: DocInfo = { id, updatedAt: entry.updatedAt, deleted: entry.deleted }
      if (entry.summary !== undefined) info.summary = entry.summary
      out.push(info)
    }
    return out
  }

  /** Marks a document deleted; it stays deleted whatever other devices do concurrently. */
  async delete(id: string): Promise<void> {
    await this.#core.delete(id)
  }

  /** Resolves when every change so far is durable locally and queued for upload. */
  async flush(): Promise<void> {
    await this.#core.flush()
  }

  /**
   * Switches sync on for this device: creates the pool from this device's
   * database when there is none, otherwise joins it, merging local documents in.
   * `passphrase` (or the `passphrase` option) encrypts a pool this device
   * creates, and unlocks an encrypted pool it joins; a wrong one is refused
   * with `PassphraseError` before anything is written.
   */
  async activate(options: { passphrase?: string } = {}): Promise<'created' | 'joined'> {
    const previous = this.#options.passphrase
    if (options.passphrase !== undefined) this.#options.passphrase = options.passphrase
    await this.#core.flush()
    this.#setStatus({ state: SyncState.syncing, message: 'Activating sync…' })
    let activation: lifecycle.Activation
    try {
      activation = await this.#guard(() => this.#rounds.run(() => lifecycle.activatePool(this.#ctx)))
    } catch (error) {
      // A refused activation leaves sync off.
      if (!this.#core.state.active)
        this.#setStatus({ state: SyncState.inactive, action: this.#status.action })
      throw error
    } finally {
      // The derived key is kept; the passphrase itself is not (nor a refused one).
      this.#options.passphrase = previous
    }
    const { outcome, current } = activation
    await this.#guard(() => this.#round(current))
    this.#startLoop()
    return outcome
  }

  /**
   * Pushes every pending change and pulls everything visible on the remote now.
   * Rejects with a typed error when that could not be done (the status says why).
   */
  async syncNow(): Promise<void> {
    this.#assertActive()
    await this.#core.flush()
    await this.#guard(() => this.#round())
  }

  /**
   * Replaces this device's database by the pool's current state and keeps
   * syncing. Local documents are saved first in a backup (see `backups()`);
   * unsent changes are discarded. Emits `docs` with `origin: 'reset'`: re-open
   * documents. Returns the backup's name.
   */
  async downloadMaster(): Promise<string> {
    this.#assertActive(true)
    await this.#core.flush()
    this.#setStatus({ state: SyncState.syncing, message: 'Downloading the master database…' })
    const backup = await this.#guard(() => this.#rounds.run(() => lifecycle.downloadMaster(this.#ctx)))
    await this.#guard(() => this.#round())
    const ids = this.list().map((d) => d.id)
    this.#core.events.emit('docs', [{ added: ids, changed: [], deleted: [], origin: 'reset' }])
    this.#startLoop()
    return backup
  }

  /** Makes this device's database the new master: other devices are offered to download it. */
  async uploadMaster(): Promise<void> {
    this.#assertActive(true)
    await this.#core.flush()
    await this.#assertWhole()
    this.#setStatus({ state: SyncState.syncing, message: 'Uploading the master database…' })
    await this.#guard(() => this.#rounds.run(() => lifecycle.uploadMaster(this.#ctx)))
    await this.syncNow()
    this.#startLoop()
  }

  /**
   * Gives this device the passphrase of an encrypted pool (when it joined
   * without one, or after another device changed it). Throws `PassphraseError`
   * when it is wrong; nothing is written then.
   */
  async unlock(passphrase: string): Promise<void> {
    const current = await this.#guard(() => lifecycle.readPool(this.#ctx))
    if (!current)
      throw new PoolDeletedError('there is no sync data in Dropbox to unlock; activate sync first')
    await this.#guard(() => ensureKey(this.#ctx, current.pool, passphrase, true))
    this.#restStatus()
    this.#startLoop()
    // A loop waiting out a backoff after passphrase failures goes on at once.
    this.#loop.wake()
  }

  /**
   * Encrypts the pool with a new passphrase (or encrypts a plain pool): this
   * device's database becomes a new master, sealed with the new key. Other
   * devices are asked for the new passphrase, then to download the master.
   */
  async changePassphrase(newPassphrase: string): Promise<void> {
    this.#assertActive(true)
    await this.#core.flush()
    await this.#assertWhole()
    this.#setStatus({ state: SyncState.syncing, message: 'Re-encrypting the sync data…' })
    await this.#guard(() => this.#rounds.run(() => lifecycle.uploadMaster(this.#ctx, newPassphrase)))
    await this.syncNow()
    this.#startLoop()
  }

  /** True when the pool this device syncs with is end-to-end encrypted. */
  get encrypted(): boolean {
    return this.#ctx.key !== undefined
  }

  /** Stops syncing on this device; its data stays, other devices go on. */
  async deactivate(): Promise<void> {
    await this.#loop.stop()
    await this.#core.flush()
    await this.#core.lock.run(async () => {
      this.#core.device.deactivate()
      await this.#core.saveState()
    })
    this.#setStatus({ state: SyncState.inactive, message: 'Sync is off on this device', progress: undefined })
  }

  /** Stops syncing here and deletes the whole pool from the remote; other devices stop at their next contact. */
  async deleteAllSyncData(): Promise<void> {
    await this.#loop.stop()
    await this.#core.flush()
    await this.#guard(() => this.#rounds.run(() => lifecycle.deletePool(this.#ctx)))
    await this.#core.lock.run(async () => {
      this.#core.device.forgetPool()
      await this.#core.saveState()
    })
    // The pool and its key are gone: a new pool decides afresh whether it is encrypted.
    await useKey(this.#ctx, undefined)
    this.#setStatus({
      state: SyncState.inactive,
      message: 'Sync is off. All sync data was deleted from Dropbox.',
    })
  }

  /** The devices of the pool with their last-seen times, most recent first. */
  async devices(): Promise<PoolDevice[]> {
    return this.#ctx.remote ? readDevices(this.#ctx) : []
  }

  /** Renames this device; other devices see the new name after its next sync. */
  async setDeviceName(name: string): Promise<void> {
    const trimmed = name.trim()
    if (trimmed.length === 0 || trimmed.length > 100)
      throw new RangeError('y-dropbox: a device name needs 1 to 100 characters')
    await this.#core.lock.run(async () => {
      this.#core.device.rename(trimmed)
      await this.#core.saveState()
    })
  }

  /** Names of the local backups taken before master downloads, newest first. */
  backups(): Promise<string[]> {
    return lifecycle.listBackups(this.#ctx)
  }

  /** Merges a backup back into the database (its documents then sync like edits). Returns the document count. */
  restoreBackup(name: string): Promise<number> {
    return lifecycle.restoreBackup(this.#ctx, name)
  }

  /** Compacts the current epoch into a snapshot now, if this device's state allows. Returns whether it did. */
  async compact(): Promise<boolean> {
    this.#assertActive()
    return this.#guard(() => this.#rounds.run(async () => (await compact(this.#ctx)) !== undefined))
  }

  /** Deletes superseded files older than the grace period now. Returns how many. */
  async collectGarbage(): Promise<number> {
    this.#assertActive()
    return this.#guard(() =>
      this.#rounds.run(async () => {
        const current = await lifecycle.readPool(this.#ctx)
        if (!current) return 0
        await this.#ctx.view.refresh()
        return collectGarbage(this.#ctx, current.pool)
      }),
    )
  }

  /** Writes pending changes, stops background work and waits for it. The LocalStore stays open. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#loop.stop()
    try {
      await this.#core.close()
    } finally {
      await this.#claim?.release()
    }
  }

  // ---- internals -------------------------------------------------------------

  /** One sync round: verify the pool, push, pull, upkeep. */
  async #round(verified?: { pool: PoolRecord; rev: string }): Promise<void> {
    await this.#rounds.run(async () => {
      const { state } = this.#core
      if (!state.active) return
      this.#notices.clear()
      const pending = this.#core.pendingCount
      this.#setStatus({
        state: SyncState.syncing,
        message: pending > 0 ? `Uploading ${changes(pending)}…` : 'Checking for changes…',
      })
      // Both are reads: one round trip, not two. Nothing is written before the pool is verified.
      const [read, listed] = await Promise.allSettled([
        verified ?? lifecycle.readPool(this.#ctx),
        this.#ctx.view.refresh(),
      ])
      if (read.status === 'rejected') throw read.reason
      const current = read.value
      if (listed.status === 'rejected') throw listed.reason
      const { view } = this.#ctx
      const damaged = (why: string) =>
        new CorruptBlobError(
          `pool.json ${why}: it was altered; sync stopped to protect your data`,
          this.#core.layout.pool,
        )
      if (current && current.pool.poolId !== state.poolId && view.epochs.has(state.epoch!)) {
        // A real deletion removes this pool's files before anyone creates a new pool.
        throw damaged("names another pool while this pool's files are still there")
      }
      if (!current || current.pool.poolId !== state.poolId) {
        await this.#poolGone()
        throw new PoolDeletedError(this.#core.state.stoppedReason ?? 'the sync data was deleted')
      }
      await ensureKey(this.#ctx, current.pool, this.#options.passphrase)
      await verifyPool(this.#ctx, current.pool)
      if (current.pool.epoch !== state.epoch) {
        await this.#newEpoch(current.pool)
        throw new NeedsMasterError(this.#status.message)
      }
      await seal(this.#ctx)
      await uploadOutbox(this.#ctx)
      await pull(this.#ctx)
      this.#core.device.finishCatchUp()
      await this.#upkeep(current.pool)
      // Watch from after our own writes, or the next wait wakes at once for them. That listing
      // may also show what other devices wrote meanwhile: the watch cursor is then past changes
      // this round did not pull, so another round runs now rather than at the next change.
      const foreign = view.wroteSinceRefresh ? await view.refresh() : 0
      // pool.json changed after we read it (the listing ran beside the read): look again now.
      this.#moreWork = foreign > 0 || (view.pool?.rev ?? '') !== current.rev
      this.#core.device.synced(this.#options.now())
      await this.#core.lock.run(() => this.#core.saveState())
      this.#restStatus()
    })
  }

  /**
   * Housekeeping after push and pull: the device record, compaction, summaries
   * and garbage collection. A failure here does not fail the round (the
   * user's changes are through): the chore is retried at the next round and
   * shown as a notice only when it fails twice in a row. Lost access still
   * stops the round.
   */
  async #upkeep(pool: PoolRecord): Promise<void> {
    const { state } = this.#core
    const now = this.#options.now()
    await this.#chore('device-record', async () => {
      if (state.lastHeartbeat === undefined || now - state.lastHeartbeat >= this.#options.heartbeatMs) {
        await writeDeviceRecord(this.#ctx)
      }
    })
    await this.#chore('compaction', async () => {
      const backlog = await uncompacted(this.#ctx)
      if (
        backlog.files >= this.#options.compactAfterFiles ||
        backlog.bytes >= this.#options.compactAfterBytes
      ) {
        await compact(this.#ctx)
      }
    })
    await this.#chore('summaries', () => refreshSummaries(this.#ctx))
    if (now - this.#lastGc >= Math.min(3600_000, this.#options.gcGraceMs)) {
      await this.#chore('garbage-collection', async () => {
        await collectGarbage(this.#ctx, pool)
        this.#lastGc = now
      })
    }
  }

  async #chore(name: Chore, task: () => Promise<unknown>): Promise<void> {
    try {
      await task()
      this.#choreFailures.delete(name)
    } catch (error) {
      if (error instanceof AuthError) throw error
      const times = (this.#choreFailures.get(name) ?? 0) + 1
      this.#choreFailures.set(name, times)
      this.#options.onError(error, `${name} failed; it is retried at the next sync`)
      if (times >= 2) this.#notices.add(CHORE_NOTICES[name])
    }
  }

  async #poolGone(): Promise<void> {
    await this.#core.lock.run(async () => {
      this.#core.device.stop(
        'Sync was turned off: the sync data in Dropbox was deleted (from another device, or in Dropbox). ' +
          'Your diary stays on this device; activate sync to start again.',
      )
      await this.#core.saveState()
    })
    this.#restStatus()
    // A batch uploaded between our last check and the deletion would linger in the deleted
    // folder (Dropbox has no write conditional on another file): take back what we wrote.
    await lifecycle
      .removeOwnFiles(this.#ctx)
      .catch((error) => this.#options.onError(error, 'cleaning up after the pool was deleted'))
  }

  async #newEpoch(pool: PoolRecord): Promise<void> {
    const { state } = this.#core
    if (state.needsMaster?.epoch !== pool.epoch) {
      const { epochBy } = await lifecycle.poolAuthors(this.#ctx, pool)
      this.#core.device.awaitMaster({ epoch: pool.epoch, by: epochBy, at: pool.epochAt })
      await this.#core.lock.run(() => this.#core.saveState())
    }
    this.#restStatus()
  }

  #startLoop(): void {
    if (this.#options.autoSync && !this.#closed && this.#core.state.active) this.#loop.start()
  }

  /** Sets the status for when nothing is running. */
  #restStatus(): void {
    const { state } = this.#core
    const pending = this.#core.pendingCount
    if (!state.active) {
      this.#setStatus({
        state: SyncState.inactive,
        message: state.stoppedReason ?? 'Sync is off on this device',
        progress: undefined,
      })
    } else if (state.needsMaster) {
      const when = new Date(state.needsMaster.at).toLocaleString()
      const keep = pending > 0 ? ` Your ${changes(pending)} not yet uploaded stay on this device.` : ''
      this.#setStatus({
        state: SyncState.needsMaster,
        message: `A new master database was uploaded from ${state.needsMaster.by} on ${when}. Download Master DB to Device to continue syncing.${keep}`,
        progress: undefined,
        action: 'download-master',
      })
    } else {
      // What a round had to leave aside stays in view until a round goes without it.
      const skipped = Object.keys(state.quarantine).length
      const notes = [...this.#notices]
      if (skipped > 0)
        notes.push(`${skipped} damaged sync ${skipped === 1 ? 'file was' : 'files were'} skipped.`)
      const lost = Object.values(state.skipped ?? {}).reduce((n, seqs) => n + seqs.length, 0)
      if (lost > 0)
        notes.push(
          `${lost} sync ${lost === 1 ? 'file' : 'files'} of another device went missing from the sync folder before arriving here (deleted by hand?); some of its changes may not have arrived.`,
        )
      const message = notes.length > 0 ? `${idleMessage(pending)}. ${notes.join(' ')}` : idleMessage(pending)
      this.#setStatus({ state: SyncState.idle, message, progress: undefined })
    }
  }

  #setStatus(change: Partial<SyncStatus>): void {
    const next: SyncStatus = { ...this.#status, ...change, pending: this.#core.pendingCount }
    const last = this.#core.state.lastSyncAt
    if (last !== undefined) next.lastSyncAt = last
    if (next.progress === undefined) delete next.progress
    // An action belongs to the state and message that asked for it.
    const moved = change.state !== undefined || change.message !== undefined
    if (next.action === undefined || (moved && !('action' in change))) delete next.action
    if (JSON.stringify(next) === JSON.stringify(this.#status)) return
    this.#status = next
    this.#core.events.emit('status', [next])
  }

  /** Runs `task`; on failure sets the status from the error and rethrows it. */
  async #guard<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await task()
    } catch (error) {
      // These two set their own status on the way out.
      if (!(error instanceof NeedsMasterError || error instanceof PoolDeletedError)) {
        this.#setStatus({ ...describeFailure(error, this.#core.pendingCount), progress: undefined })
      }
      throw error
    }
  }

  /**
   * A database that is not whole (a master download or a join that did not
   * finish) must never become the master: finish it first, or refuse.
   */
  async #assertWhole(): Promise<void> {
    const whole = () => this.#core.state.snapshotApplied && !this.#core.state.catchingUp
    if (whole()) return
    await this.#guard(() => this.#round())
    if (!whole()) {
      throw new YDropboxError(
        "this device's database is incomplete (a master download did not finish); synchronize first, then try again",
      )
    }
  }

  #assertActive(allowNeedsMaster = false): void {
    if (this.#closed) throw new YDropboxError('this engine is closed; open a new one with SyncEngine.open()')
    const { state } = this.#core
    if (!state.active) {
      throw new YDropboxError(
        state.stoppedReason ?? 'sync is not active on this device; call activate() first',
      )
    }
    if (state.needsMaster && !allowNeedsMaster) {
      throw new NeedsMasterError(
        'a new master database was uploaded from another device; call downloadMaster() first',
      )
    }
  }
}
