/**
 * One sync round, the unit of work of both `syncNow()` and the background
 * loop: check the pool, push, pull, then housekeeping. Rounds never overlap
 * (one mutex), and a round writes nothing into a pool or epoch it has not
 * verified in the same round. A round woken by a change, with nothing to
 * upload, may take `pool.json` from its listing instead (see
 * `Rounds.#currentPool`): it then only reads and applies.
 */
import { AuthError, CorruptBlobError, NeedsMasterError, PoolDeletedError, YDropboxError } from '../errors.ts'
import type { PoolRecord } from '../remote/records.ts'
import type { SyncContext } from './context.ts'
import * as lifecycle from './lifecycle.ts'
import { collectGarbage, compact, refreshSummaries, uncompacted, writeDeviceRecord } from './maintenance.ts'
import { Mutex } from './mutex.ts'
import type { ResolvedOptions } from './options.ts'
import { type CurrentPool, checkPool, openPool, readPool } from './pool-check.ts'
import { pull } from './pull.ts'
import { packPending, uploadOutbox } from './push.ts'
import { noteWriters, readAhead } from './speculate.ts'
import type { Chore } from './status.ts'
import type { StatusReporter } from './status-reporter.ts'

/**
 * How long after a round read and verified `pool.json` a woken round may
 * take it from the listing instead. Such rounds leave uploads and upkeep to
 * the next round that reads it, so this bounds how late upkeep can be.
 */
export const LISTED_POOL_TRUST_MS = 60_000

/** How a round runs. */
export interface RoundOptions {
  /** A pool record this device has just checked (activation): the round need not read it again. */
  verified?: CurrentPool
  /** The store reported a change: the likely next batch is read ahead (speculate.ts). */
  woken?: boolean
  /** A push's round started before its debounce ran out: it uploads no earlier than this (`Date.now()` time). */
  uploadAt?: number | undefined
}

/** Runs the rounds of one engine. */
export class Rounds {
  readonly #mutex = new Mutex()
  /** Garbage collection runs at most hourly, and not in the first round (a bootstrap need not pay for it). */
  #lastGc: number
  /** Housekeeping chores failing in a row: chore → rounds. */
  readonly #choreFailures = new Map<Chore, number>()
  /** The last round saw changes it did not pull (see `moreWork`). */
  #moreWork = false
  /** Time from a round's start to its upload (reads, then sealing), smoothed over the last rounds. */
  #beforeUploadMs = 0
  /** The `pool.json` a round last read and verified, and when (`options.now()` time). */
  #lastVerified: { current: CurrentPool; at: number } | undefined

  constructor(
    private readonly ctx: SyncContext,
    private readonly options: ResolvedOptions,
    private readonly status: StatusReporter,
  ) {
    this.#lastGc = options.now()
  }

  /** The last round ended with changes on the remote it did not take in: run another now. */
  get moreWork(): boolean {
    return this.#moreWork
  }

  /** Runs `task` when no round is running (pool operations use this too). */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    return this.#mutex.run(task)
  }

  /** How long a round took lately from its start to its upload (ms; see `SyncLoop.schedulePush`). */
  get beforeUploadMs(): number {
    return this.#beforeUploadMs
  }

  /** One round (see {@link RoundOptions}). */
  run({ verified, woken = false, uploadAt }: RoundOptions = {}): Promise<void> {
    return this.#mutex.run(async () => {
      const { core, view } = this.ctx
      if (!core.state.active) return
      this.status.startRound()
      this.status.working(core.pendingCount > 0 ? 'uploading' : 'checking')
      // Reads only, all at once: one round trip. Nothing is written before the pool is verified.
      const started = Date.now()
      const early = woken ? readAhead(this.ctx) : undefined
      const readOnly = woken && core.pendingCount === 0 && core.outbox.size === 0
      const { current, listed } = await this.#currentPool(verified, readOnly)
      if (!listed) {
        await packPending(this.ctx)
        const took = Date.now() - started
        this.#beforeUploadMs = this.#beforeUploadMs === 0 ? took : (3 * this.#beforeUploadMs + took) / 4
        const wait = uploadAt === undefined ? 0 : uploadAt - Date.now()
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
        await uploadOutbox(this.ctx)
      }
      const covered = { ...core.state.coverage }
      await pull(this.ctx, await early)
      noteWriters(this.ctx, covered)
      await core.lock.run(async () => {
        core.device.finishCatchUp()
        await core.saveState()
      })
      if (!listed) await this.#upkeep(current.pool)
      // Watch from after our own writes, or the next wait wakes at once for them. That listing
      // may also show what other devices wrote meanwhile: the watch cursor is then past changes
      // this round did not pull, so another round runs now rather than at the next change.
      const foreign = view.wroteSinceRefresh ? await view.refresh() : 0
      // pool.json changed after we read it (the listing ran beside the read): look again now.
      this.#moreWork = foreign > 0 || (view.pool?.rev ?? '') !== current.rev
      await core.lock.run(async () => {
        core.device.synced(this.options.now())
        await core.saveState()
      })
      this.status.rest()
    })
  }

  /**
   * A database that is not whole (a master download or a join that did not
   * finish) must never become the master: a round finishes it, or this refuses.
   */
  async ensureWhole(): Promise<void> {
    const { state } = this.ctx.core
    const whole = () => state.snapshotApplied && !state.catchingUp
    if (whole()) return
    await this.run()
    if (!whole()) {
      throw new YDropboxError(
        "this device's database is incomplete (a master download did not finish); synchronize first, then try again",
      )
    }
  }

  /** Compacts now (outside the background schedule), if the pool and this device's state allow. */
  compactNow(): Promise<boolean> {
    return this.exclusive(
      async () => (await this.#inCurrentEpoch()) !== undefined && (await compact(this.ctx)) !== undefined,
    )
  }

  /** Collects garbage now (outside the hourly schedule). Returns the number of files deleted. */
  collectGarbageNow(): Promise<number> {
    return this.exclusive(async () => {
      const current = await this.#inCurrentEpoch()
      return current ? collectGarbage(this.ctx, current.pool) : 0
    })
  }

  /** The pool, when it is still the one and the epoch this device syncs (the listing then refreshed). */
  async #inCurrentEpoch(): Promise<CurrentPool | undefined> {
    const current = await openPool(this.ctx, this.options.passphrase)
    const { poolId, epoch } = this.ctx.core.state
    if (!current || current.pool.poolId !== poolId || current.pool.epoch !== epoch) return undefined
    await this.ctx.view.refresh()
    return current
  }

  /**
   * Reads `pool.json` and lists the pool folder, together (one round trip),
   * then checks the pool. A round that may write reads it every time: a
   * listing may lag behind the folder (the MemoryCloud's fault model makes it
   * lag, and the model test caught a round that took a replaced pool for the
   * one it had verified), while a download is current.
   *
   * A `readOnly` round (woken by a change, nothing to upload) lists only,
   * when a round read `pool.json` less than {@link LISTED_POOL_TRUST_MS}
   * ago: if the listing shows it at the revision verified then, that is the
   * pool (`listed`), and the round skips its upload and upkeep. That saves
   * every reading device a download per change it takes in. A lagging
   * listing can only delay noticing a replaced pool until the next round
   * that reads it, which writes nothing before it does; a listing shows
   * changes in order, so one that shows a batch written after `pool.json`
   * changed shows that change too. A listing that shows `pool.json` changed
   * or gone makes the round read it (one more round trip, only then).
   */
  async #currentPool(
    verified: CurrentPool | undefined,
    readOnly: boolean,
  ): Promise<{ current: CurrentPool; listed: boolean }> {
    const { view } = this.ctx
    const known = this.#lastVerified
    let read: CurrentPool | undefined
    if (!verified && readOnly && known && this.options.now() - known.at < LISTED_POOL_TRUST_MS) {
      await view.refresh()
      if (view.pool?.rev === known.current.rev) return { current: known.current, listed: true }
      read = await readPool(this.ctx)
    } else {
      const [got, listing] = await Promise.allSettled([verified ?? readPool(this.ctx), view.refresh()])
      if (got.status === 'rejected') throw got.reason
      if (listing.status === 'rejected') throw listing.reason
      read = got.value
    }
    this.#lastVerified = undefined
    const current = await this.#checkPool(read)
    this.#lastVerified = { current, at: this.options.now() }
    return { current, listed: false }
  }

  /** The pool this round may write into, or the reason it may not (thrown). */
  async #checkPool(current: CurrentPool | undefined): Promise<CurrentPool> {
    const { core } = this.ctx
    const { state } = core
    // A new pool always begins a new epoch: pool.json naming another pool in this device's
    // epoch was altered (a flipped bit), not replaced.
    if (current && current.pool.poolId !== state.poolId && current.pool.epoch === state.epoch) {
      throw new CorruptBlobError(
        "pool.json names another pool while this pool's files are still there: it was altered; sync stopped to protect your data",
        core.layout.pool,
      )
    }
    if (!current || current.pool.poolId !== state.poolId) throw await this.poolGone(current !== undefined)
    await checkPool(this.ctx, current, this.options.passphrase)
    if (current.pool.epoch !== state.epoch) {
      await this.#newEpoch(current.pool)
      throw new NeedsMasterError('a new master database was uploaded from another device; download it first')
    }
    return current
  }

  /**
   * Housekeeping after push and pull: the device record, compaction, summaries
   * and garbage collection. A failure here does not fail the round (the
   * user's changes are through): the chore is retried at the next round and
   * shown as a note only when it fails twice in a row. Lost access still
   * stops the round.
   */
  async #upkeep(pool: PoolRecord): Promise<void> {
    const { core } = this.ctx
    const { options } = this
    const now = options.now()
    await this.#chore('device-record', async () => {
      const last = core.state.lastHeartbeat
      // A round that uploaded wakes the other devices anyway; an idle one should not.
      const every = this.ctx.view.wroteSinceRefresh ? options.heartbeatMs : options.idleHeartbeatMs
      if (last === undefined || now - last >= every) await writeDeviceRecord(this.ctx)
    })
    await this.#chore('compaction', async () => {
      const backlog = await uncompacted(this.ctx)
      if (backlog.files >= options.compactAfterFiles || backlog.bytes >= options.compactAfterBytes)
        await compact(this.ctx)
    })
    await this.#chore('summaries', () => refreshSummaries(this.ctx))
    if (now - this.#lastGc >= Math.min(3600_000, options.gcGraceMs)) {
      await this.#chore('garbage-collection', async () => {
        await collectGarbage(this.ctx, pool)
        this.#lastGc = now
      })
    }
  }

  async #chore(chore: Chore, task: () => Promise<unknown>): Promise<void> {
    try {
      await task()
      this.#choreFailures.delete(chore)
    } catch (error) {
      if (error instanceof AuthError) throw error
      const times = (this.#choreFailures.get(chore) ?? 0) + 1
      this.#choreFailures.set(chore, times)
      this.options.onError(error, `${chore} failed; it is retried at the next sync`)
      if (times >= 2) this.status.note({ kind: 'chore-failing', chore })
    }
  }

  /**
   * The pool is gone (deleted, or deleted and replaced by a new one): sync
   * stops here. Returns the error to throw.
   */
  async poolGone(replaced: boolean): Promise<PoolDeletedError> {
    const { core } = this.ctx
    await core.lock.run(async () => {
      core.device.stop(replaced ? 'pool-replaced' : 'pool-deleted')
      await core.saveState()
    })
    this.status.rest()
    // A batch uploaded between our last check and the deletion would linger in the deleted
    // folder (Dropbox has no write conditional on another file): take back what we wrote.
    // Under a new pool, its garbage collection removes the old epoch after the grace period.
    if (!replaced) {
      await lifecycle
        .removeOwnFiles(this.ctx)
        .catch((error) => this.options.onError(error, 'cleaning up after the pool was deleted'))
    }
    return new PoolDeletedError(
      replaced
        ? 'the sync data this device used was deleted, and a new sync pool was started'
        : 'the sync data this device used was deleted',
      { replaced },
    )
  }

  /** Another device started a newer epoch: wait for the user to download its master. */
  async #newEpoch(pool: PoolRecord): Promise<void> {
    const { core } = this.ctx
    if (core.state.needsMaster?.epoch !== pool.epoch) {
      const { epochBy } = await lifecycle.poolAuthors(this.ctx, pool)
      await core.lock.run(async () => {
        core.device.awaitMaster({ epoch: pool.epoch, by: epochBy, at: pool.epochAt })
        await core.saveState()
      })
    }
    this.status.rest()
  }
}
