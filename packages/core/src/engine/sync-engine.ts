/**
 * `SyncEngine`: a collection of Yjs documents kept in sync across devices
 * through a shared `BlobStore`. This file is the public API; the work is
 * done beside it (see docs/ARCHITECTURE.md): rounds in `round.ts`, the
 * background loop in `sync-loop.ts`, the status in `status-reporter.ts`.
 */
import type * as Y from 'yjs'
import { NeedsMasterError, PoolDeletedError, YDropboxError } from '../errors.ts'
import type { LocalStoreClaim } from '../local-store.ts'
import { RemoteView } from '../remote/remote-view.ts'
import * as backups from './backups.ts'
import type { SyncContext } from './context.ts'
import { EngineCore } from './core.ts'
import { loadKey, setCipher, useKey } from './encryption.ts'
import type { SyncEngineEvents } from './events.ts'
import * as lifecycle from './lifecycle.ts'
import { announceOff, collectGarbage, compact, type PoolDevice, readDevices } from './maintenance.ts'
import { type ResolvedOptions, resolveOptions, type SyncEngineOptions } from './options.ts'
import { openPool } from './pool-check.ts'
import { loadOutbox } from './push.ts'
import { Rounds } from './round.ts'
import type { StatusReason, SyncStatus } from './status.ts'
import { StatusReporter } from './status-reporter.ts'
import { SyncLoop } from './sync-loop.ts'
import { mergeWords } from './words.ts'

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
  readonly #status: StatusReporter
  readonly #rounds: Rounds
  readonly #loop: SyncLoop
  #closed = false
  #claim: LocalStoreClaim | undefined

  private constructor(core: EngineCore, options: ResolvedOptions) {
    this.#core = core
    this.#options = options
    this.#status = new StatusReporter({
      events: core.events,
      words: mergeWords(options.words),
      service: options.remote.serviceName ?? 'cloud storage',
      pending: () => core.pendingCount,
      state: () => core.state,
    })
    this.#ctx = {
      core,
      remote: options.remote,
      view: new RemoteView(options.remote, core.layout),
      progress: (step, done, total) => this.#status.progress(step, done, total),
      note: (note) => this.#status.note(note),
      quarantined: (path, error) => {
        options.onError(error, `skipped a damaged sync file ${path}`)
        this.#status.note({
          kind: 'damaged-file',
          detail: error instanceof Error ? error.message : String(error),
        })
      },
    }
    this.#rounds = new Rounds(this.#ctx, options, this.#status)
    this.#loop = new SyncLoop(
      {
        round: () => this.#guard(() => this.#rounds.run()),
        active: () => core.state.active && !this.#closed,
        cursor: () => this.#ctx.view.cursor,
        moreWork: () => this.#rounds.moreWork,
      },
      options.remote,
      options,
    )
    core.onLocalChange = () => {
      this.#status.refresh()
      if (core.state.active) this.#loop.schedulePush()
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
      engine.#status.rest()
      engine.#startLoop()
      return engine
    } catch (error) {
      await claim?.release()
      throw error
    }
  }

  /** The current status. */
  get status(): SyncStatus {
    return this.#status.current
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

  /** True when the pool this device syncs with is end-to-end encrypted. */
  get encrypted(): boolean {
    return this.#ctx.key !== undefined
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
   * `doc.destroy()` to release it. After a master download replaced it, the
   * `replaced` event hands over its successor.
   */
  doc(id: string): Promise<Y.Doc> {
    return this.#core.doc(id)
  }

  /**
   * Adopts the app's own `doc` (the one its editor binding uses) as entry
   * `id`. Resolves once the stored state of `id` is merged into it; what the
   * doc held before is kept and synced like any edit. From then on its edits
   * are saved and synced, remote changes are applied into it, and `doc(id)`
   * returns it. A new `id` creates the entry. Rejects, changing nothing, when
   * `id` is already open as another doc. Any `gc` setting works; the root
   * name `y-dropbox` is the engine's (it holds the deleted flag).
   */
  attach(id: string, doc: Y.Doc): Promise<void> {
    return this.#core.attach(id, doc)
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
   * with `PassphraseError` before anything is written. The derived key is kept,
   * the passphrase is not.
   */
  async activate(options: { passphrase?: string } = {}): Promise<'created' | 'joined'> {
    this.#assertOpen()
    await this.#core.flush()
    this.#status.working('activating')
    const passphrase = options.passphrase ?? this.#options.passphrase
    const activation = await this.#guard(() =>
      this.#rounds.exclusive(() => lifecycle.activatePool(this.#ctx, passphrase)),
    )
    await this.#guard(() => this.#rounds.run(activation.current))
    this.#startLoop()
    return activation.outcome
  }

  /**
   * Pushes every pending change and pulls everything visible on the remote now.
   * Rejects with a typed error when that could not be done (the status says why).
   */
  async syncNow(): Promise<void> {
    this.#assertActive()
    await this.#core.flush()
    await this.#guard(() => this.#rounds.run())
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
    this.#status.working('downloading-master')
    const passphrase = this.#options.passphrase
    const { backup, replaced } = await this.#guard(() =>
      this.#rounds.exclusive(() => lifecycle.downloadMaster(this.#ctx, passphrase)),
    )
    try {
      await this.#guard(() => this.#rounds.run())
    } finally {
      // Whether or not the round after it went through, the database was replaced.
      const ids = this.list().map((d) => d.id)
      this.#core.events.emit('docs', [{ added: ids, changed: [], deleted: [], origin: 'reset' }])
      await this.#core.reopen(replaced)
      this.#startLoop()
    }
    return backup
  }

  /** Makes this device's database the new master: other devices are offered to download it. */
  async uploadMaster(): Promise<void> {
    await this.#newMaster('uploading-master')
  }

  /**
   * Encrypts the pool with a new passphrase (or encrypts a plain pool): this
   * device's database becomes a new master, sealed with the new key. Other
   * devices are asked for the new passphrase, then to download the master.
   */
  async changePassphrase(newPassphrase: string): Promise<void> {
    await this.#newMaster('re-encrypting', newPassphrase)
  }

  /**
   * Gives this device the passphrase of an encrypted pool (when it joined
   * without one, or after another device changed it). Throws `PassphraseError`
   * when it is wrong; nothing is written then.
   */
  async unlock(passphrase: string): Promise<void> {
    this.#assertOpen()
    const current = await this.#guard(() => openPool(this.#ctx, passphrase, true))
    if (!current) throw new PoolDeletedError('there is no sync data to unlock; activate sync first')
    this.#status.rest()
    this.#startLoop()
    // A loop waiting out a backoff after passphrase failures goes on at once.
    this.#loop.wake()
  }

  /**
   * Stops syncing on this device; its data stays, other devices go on. Its
   * device record says it is off, when the remote can be reached now.
   */
  async deactivate(): Promise<void> {
    await this.#loop.stop()
    await this.#core.flush()
    await this.#core.lock.run(async () => {
      this.#core.device.deactivate()
      await this.#core.saveState()
    })
    this.#status.rest()
    await this.#rounds
      .exclusive(() => announceOff(this.#ctx, this.#options.passphrase))
      .catch((error) => this.#options.onError(error, 'telling the pool that sync is off here'))
  }

  /** Stops syncing here and deletes the whole pool from the remote; other devices stop at their next contact. */
  async deleteAllSyncData(): Promise<void> {
    await this.#loop.stop()
    await this.#core.flush()
    await this.#guard(() => this.#rounds.exclusive(() => lifecycle.deletePool(this.#ctx)))
    await this.#core.lock.run(async () => {
      this.#core.device.forgetPool()
      await this.#core.saveState()
    })
    // The pool and its key are gone: a new pool decides afresh whether it is encrypted.
    await useKey(this.#ctx, undefined)
    this.#status.rest()
  }

  /** The devices of the pool with their last-seen times, most recent first. */
  async devices(): Promise<PoolDevice[]> {
    return readDevices(this.#ctx)
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
    return backups.listBackups(this.#core)
  }

  /** When and why a backup was taken, and which of its entries held changes never uploaded. */
  backupInfo(name: string): Promise<backups.BackupInfo> {
    return backups.backupInfo(this.#core, name)
  }

  /** The entries of a backup (id, summary, deleted, unsent), without loading documents. */
  backupEntries(name: string): Promise<backups.BackupEntry[]> {
    return backups.backupEntries(this.#core, name)
  }

  /** One entry of a backup as a detached Y.Doc (not synced), to look into before restoring. */
  backupDoc(name: string, id: string): Promise<Y.Doc | undefined> {
    return backups.backupDoc(this.#core, name, id)
  }

  /**
   * Merges a backup (or only the entries `ids`) back into the database; they
   * then sync like edits. Returns how many entries were merged.
   */
  restoreBackup(name: string, ids?: readonly string[]): Promise<number> {
    return backups.restoreBackup(this.#core, name, ids)
  }

  /** Compacts the current epoch into a snapshot now, if this device's state allows. Returns whether it did. */
  async compact(): Promise<boolean> {
    this.#assertActive()
    return this.#guard(() =>
      this.#rounds.exclusive(
        async () => (await this.#currentEpoch()) && (await compact(this.#ctx)) !== undefined,
      ),
    )
  }

  /** Deletes superseded files older than the grace period now. Returns how many. */
  async collectGarbage(): Promise<number> {
    this.#assertActive()
    return this.#guard(() =>
      this.#rounds.exclusive(async () => {
        const current = await openPool(this.#ctx, this.#options.passphrase)
        if (!current || current.pool.poolId !== this.#core.state.poolId) return 0
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

  /** Upload Master or Change Passphrase: this device's database becomes a new epoch. */
  async #newMaster(reason: StatusReason, newPassphrase?: string): Promise<void> {
    this.#assertActive(true)
    await this.#core.flush()
    await this.#assertWhole()
    this.#status.working(reason)
    const passphrase = this.#options.passphrase
    await this.#guard(() =>
      this.#rounds.exclusive(() => lifecycle.uploadMaster(this.#ctx, passphrase, newPassphrase)),
    )
    await this.syncNow()
    this.#startLoop()
  }

  /** True when the pool is still the one this device syncs, in its epoch (and the listing is fresh). */
  async #currentEpoch(): Promise<boolean> {
    const current = await openPool(this.#ctx, this.#options.passphrase)
    const { poolId, epoch } = this.#core.state
    if (!current || current.pool.poolId !== poolId || current.pool.epoch !== epoch) return false
    await this.#ctx.view.refresh()
    return true
  }

  #startLoop(): void {
    if (this.#options.autoSync && !this.#closed && this.#core.state.active) this.#loop.start()
  }

  /** Runs `task`; on failure sets the status from the error and rethrows it. */
  async #guard<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await task()
    } catch (error) {
      // These two set their own status on the way out; a refused activation leaves sync off.
      if (error instanceof NeedsMasterError || error instanceof PoolDeletedError) this.#status.rest()
      else if (!this.#core.state.active) this.#status.failed(error, true)
      else this.#status.failed(error)
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
    await this.#guard(() => this.#rounds.run())
    if (!whole()) {
      throw new YDropboxError(
        "this device's database is incomplete (a master download did not finish); synchronize first, then try again",
      )
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new YDropboxError('this engine is closed; open a new one with SyncEngine.open()')
  }

  #assertActive(allowNeedsMaster = false): void {
    this.#assertOpen()
    const { state } = this.#core
    if (!state.active) {
      throw new YDropboxError(
        state.stoppedReason === undefined
          ? 'sync is not active on this device; call activate() first'
          : `sync stopped (${state.stoppedReason}): ${this.#status.current.message}`,
      )
    }
    if (state.needsMaster && !allowNeedsMaster) {
      throw new NeedsMasterError(
        'a new master database was uploaded from another device; call downloadMaster() first',
      )
    }
  }
}
