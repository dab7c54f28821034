/**
 * `SyncEngine`: a collection of Yjs documents kept in sync across devices
 * through a shared `BlobStore`. This file is the sync half of the public API
 * (the document half is `collection.ts`); the work is done beside it (see
 * docs/ARCHITECTURE.md): rounds in `round.ts`, the background loop in
 * `sync-loop.ts`, the status in `status-reporter.ts`.
 */
import { NeedsMasterError, PoolDeletedError, YDropboxError } from '../errors.ts'
import type { LocalStoreClaim } from '../local-store.ts'
import { DocCollection } from './collection.ts'
import { createContext, type SyncContext } from './context.ts'
import { EngineCore } from './core.ts'
import { loadKey, setCipher, useKey } from './encryption.ts'
import * as lifecycle from './lifecycle.ts'
import { announceOff, type PoolDevice, readDevices } from './maintenance.ts'
import { type ResolvedOptions, resolveOptions, type SyncEngineOptions } from './options.ts'
import { openPool } from './pool-check.ts'
import { loadOutbox } from './push.ts'
import { Rounds } from './round.ts'
import type { StatusReason, SyncStatus } from './status.ts'
import { StatusReporter } from './status-reporter.ts'
import { SyncLoop } from './sync-loop.ts'
import { mergeWords, serviceName } from './words.ts'

/** Keeps a collection of Yjs documents in sync through a shared file store. */
export class SyncEngine extends DocCollection {
  readonly #ctx: SyncContext
  readonly #options: ResolvedOptions
  readonly #status: StatusReporter
  readonly #rounds: Rounds
  readonly #loop: SyncLoop
  #closed = false
  #claim: LocalStoreClaim | undefined

  private constructor(core: EngineCore, options: ResolvedOptions) {
    super(core)
    this.#options = options
    this.#status = new StatusReporter({
      events: core.events,
      words: mergeWords(options.words),
      service: serviceName(options.remote),
      pending: () => core.pendingCount,
      state: () => core.state,
    })
    this.#ctx = createContext(core, options.remote, this.#status)
    this.#rounds = new Rounds(this.#ctx, options, this.#status)
    this.#loop = new SyncLoop(
      {
        round: (woken, uploadAt) => this.#guard(() => this.#rounds.run({ woken, uploadAt })),
        beforeUploadMs: () => this.#rounds.beforeUploadMs,
        active: () => core.state.active && !this.#closed,
        cursor: () => this.#ctx.view.cursor,
        moreWork: () => this.#rounds.moreWork,
      },
      options.remote,
      options,
    )
    core.onLocalChange = (dueAt) => {
      this.#status.refresh()
      if (core.state.active) this.#loop.schedulePush(dueAt)
    }
  }

  /** Opens the engine on a device's LocalStore; resumes syncing if it was active. */
  static async open(options: SyncEngineOptions): Promise<SyncEngine> {
    const resolved = resolveOptions(options)
    // One engine per store: a second one (another tab) would overwrite this one's unsent changes.
    const claim = await resolved.local.claim?.()
    try {
      const [core, key] = await Promise.all([
        EngineCore.load(resolved.local, resolved),
        loadKey(resolved.local),
      ])
      const engine = new SyncEngine(core, resolved)
      engine.#claim = claim
      setCipher(engine.#ctx, key)
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

  /** True when the pool this device syncs with is end-to-end encrypted. */
  get encrypted(): boolean {
    return this.#ctx.key !== undefined
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
    await this.core.flush()
    this.#status.working('activating')
    const passphrase = options.passphrase ?? this.#options.passphrase
    const activation = await this.#guard(() =>
      this.#rounds.exclusive(() => lifecycle.activatePool(this.#ctx, passphrase)),
    )
    await this.#guard(() => this.#rounds.run({ verified: activation.current }))
    this.#startLoop()
    return activation.outcome
  }

  /**
   * Pushes every pending change and pulls everything visible on the remote now.
   * Rejects with a typed error when that could not be done (the status says why).
   */
  async syncNow(): Promise<void> {
    // Also while a new master waits: the round still notices a deleted pool.
    this.#assertActive(true)
    await this.core.flush()
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
    await this.core.flush()
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
      this.core.events.emit('docs', [{ added: ids, changed: [], deleted: [], origin: 'reset' }])
      await this.core.reopen(replaced)
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
    await this.core.flush()
    await this.core.lock.run(async () => {
      this.core.device.deactivate()
      await this.core.saveState()
    })
    this.#status.rest()
    await this.#rounds
      .exclusive(() => announceOff(this.#ctx, this.#options.passphrase))
      .catch((error) => this.#options.onError(error, 'telling the pool that sync is off here'))
  }

  /** Stops syncing here and deletes the whole pool from the remote; other devices stop at their next contact. */
  async deleteAllSyncData(): Promise<void> {
    await this.#loop.stop()
    await this.core.flush()
    await this.#guard(() => this.#rounds.exclusive(() => lifecycle.deletePool(this.#ctx)))
    await this.core.lock.run(async () => {
      this.core.device.forgetPool()
      await this.core.saveState()
    })
    // The pool and its key are gone: a new pool decides afresh whether it is encrypted.
    await useKey(this.#ctx, undefined)
    this.#status.rest()
  }

  /** The devices of the pool with their last-seen times, most recent first. */
  async devices(): Promise<PoolDevice[]> {
    return readDevices(this.#ctx)
  }

  /** Compacts the current epoch into a snapshot now, if this device's state allows. Returns whether it did. */
  async compact(): Promise<boolean> {
    this.#assertActive()
    return this.#guard(() => this.#rounds.compactNow())
  }

  /** Deletes superseded files older than the grace period now. Returns how many. */
  async collectGarbage(): Promise<number> {
    this.#assertActive()
    return this.#guard(() => this.#rounds.collectGarbageNow())
  }

  /** Writes pending changes, stops background work and waits for it. The LocalStore stays open. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#loop.stop()
    try {
      await this.core.close()
    } finally {
      await this.#claim?.release()
    }
  }

  // ---- internals -------------------------------------------------------------

  /** Upload Master or Change Passphrase: this device's database becomes a new epoch. */
  async #newMaster(reason: StatusReason, newPassphrase?: string): Promise<void> {
    this.#assertActive(true)
    await this.core.flush()
    await this.#guard(() => this.#rounds.ensureWhole())
    this.#status.working(reason)
    const passphrase = this.#options.passphrase
    await this.#guard(() =>
      this.#rounds.exclusive(() => lifecycle.uploadMaster(this.#ctx, passphrase, newPassphrase)),
    )
    await this.syncNow()
    this.#startLoop()
  }

  #startLoop(): void {
    if (this.#options.autoSync && !this.#closed && this.core.state.active) this.#loop.start()
  }

  /** Runs `task`; on failure sets the status from the error and rethrows it. */
  async #guard<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await task()
    } catch (error) {
      // A pool found gone by an operation stops sync here, as a round would.
      if (error instanceof PoolDeletedError && this.core.state.active)
        await this.#rounds.poolGone(error.replaced)
      // These two set their own status on the way out; a refused activation leaves sync off.
      if (error instanceof NeedsMasterError || error instanceof PoolDeletedError) this.#status.rest()
      else if (!this.core.state.active) this.#status.failed(error, true)
      else this.#status.failed(error)
      throw error
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new YDropboxError('this engine is closed; open a new one with SyncEngine.open()')
  }

  #assertActive(allowNeedsMaster = false): void {
    this.#assertOpen()
    const { state } = this.core
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
