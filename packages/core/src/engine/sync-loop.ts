/**
 * The background owner of sync rounds: runs a round, then waits for work (a
 * push falling due, a remote change seen through `watch`, or the polling
 * interval), backing off after failures. `stop()` aborts and awaits it, so no
 * background task outlives `close()`.
 */
import type { BlobStore } from '../blob-store.ts'
import { NeedsMasterError, PoolDeletedError, RateLimitError } from '../errors.ts'
import type { ResolvedOptions } from './options.ts'

/** What the loop needs from the engine. */
export interface LoopHost {
  /**
   * Runs one sync round (`woken`: the store reported a change; `uploadAt`: a
   * push's round, which uploads no earlier than then); its failures are
   * already in the status.
   */
  round(woken: boolean, uploadAt?: number): Promise<void>
  /** How long a round takes from its start to its upload (ms, lately): a push's round starts early by about that much. */
  beforeUploadMs(): number
  /** Whether sync is still on. */
  active(): boolean
  /** The cursor to watch, once a listing has been made. */
  cursor(): string | undefined
  /** The last round saw something it could not act on yet (run another round at once). */
  moreWork(): boolean
}

/** The background sync loop of one engine. */
export class SyncLoop {
  #running: Promise<void> | undefined
  #abort: AbortController | undefined
  #wake: (() => void) | undefined
  #pushTimer: ReturnType<typeof setTimeout> | undefined
  #pushDue = false
  /** When the due push may upload (`Date.now()` time). */
  #uploadAt = 0

  constructor(
    private readonly host: LoopHost,
    private readonly remote: BlobStore,
    private readonly options: ResolvedOptions,
  ) {}

  /** Starts the loop unless it runs already. */
  start(): void {
    if (this.#running) return
    const abort = new AbortController()
    this.#abort = abort
    this.#running = this.#run(abort.signal)
      .catch((error) => this.options.onError(error, 'the sync loop stopped'))
      .finally(() => {
        if (this.#abort === abort) {
          this.#running = undefined
          this.#abort = undefined
        }
      })
  }

  /** Stops the loop and waits until its current round has ended. */
  async stop(): Promise<void> {
    if (this.#pushTimer) clearTimeout(this.#pushTimer)
    this.#pushTimer = undefined
    this.#abort?.abort()
    this.#wake?.()
    await this.#running
  }

  /** Ends the current wait (backoff, poll or watch): the next round starts now. */
  wake(): void {
    this.#wake?.()
  }

  /**
   * Asks for a push after the debounce delay, counted from `since` (when the
   * change was due to be written locally; default now) and restarted by every
   * call. The push's round starts early, by twice the time its reads and
   * sealing took lately (at most half the delay): it lists the pool, verifies
   * `pool.json` and seals the batch while the delay runs out, then uploads
   * when it has run out, one round trip sooner than if it began reading then.
   */
  schedulePush(since = Date.now()): void {
    if (!this.#running) return
    if (this.#pushTimer) clearTimeout(this.#pushTimer)
    const delay = this.options.pushDelayMs
    const uploadAt = since + delay
    const early = Math.min(2 * this.host.beforeUploadMs(), delay / 2)
    this.#pushTimer = setTimeout(
      () => {
        this.#pushTimer = undefined
        this.#pushDue = true
        this.#uploadAt = uploadAt
        this.#wake?.()
      },
      Math.max(0, uploadAt - early - Date.now()),
    )
  }

  async #run(signal: AbortSignal): Promise<void> {
    let failures = 0
    // Rounds run in a row because the last one saw more work: the first runs at once, the
    // next ones wait out the backoff, so no state can make the loop spin.
    let hurried = 0
    let woken = false
    while (!signal.aborted && this.host.active()) {
      const uploadAt = this.#pushDue ? this.#uploadAt : undefined
      this.#pushDue = false
      const changed = woken
      woken = false
      try {
        await this.host.round(changed, uploadAt)
        failures = 0
      } catch (error) {
        if (signal.aborted || error instanceof PoolDeletedError) return
        if (error instanceof NeedsMasterError) {
          // Keep looking (a deletion must still be noticed), at the polling pace.
          await this.#wait(signal, this.options.pollIntervalMs, false)
          continue
        }
        failures++
        await this.#wait(
          signal,
          error instanceof RateLimitError ? error.retryAfterMs : this.#backoff(failures),
          false,
        )
        continue
      }
      if (this.host.moreWork()) {
        hurried++
        if (hurried > 1) await this.#wait(signal, this.#backoff(hurried - 1), false)
        continue
      }
      hurried = 0
      if (this.#pushDue) continue
      woken = await this.#wait(signal, this.options.pollIntervalMs, true)
    }
  }

  /** The delay before retry number `n` (1, 2, ...): exponential with jitter, capped. */
  #backoff(n: number): number {
    const { base, max } = this.options.retryDelayMs
    return Math.min(max, base * 2 ** (n - 1)) * (0.5 + this.options.random() / 2)
  }

  /**
   * Waits `ms`, or until a push falls due or the loop stops; with `watch`,
   * also until the store reports a change under the cursor. Resolves `true`
   * when that report ended the wait.
   */
  #wait(signal: AbortSignal, ms: number, watch: boolean): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false)
    return new Promise((resolve) => {
      const watching = new AbortController()
      let settled = false
      const done = (changed = false) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        watching.abort()
        signal.removeEventListener('abort', stop)
        if (this.#wake === stop) this.#wake = undefined
        resolve(changed)
      }
      const stop = () => done()
      this.#wake = stop
      signal.addEventListener('abort', stop)
      const cursor = this.host.cursor()
      const canWatch = watch && this.remote.watch && cursor !== undefined
      // While watching, the timer is only a safety net in case the store stops answering.
      const timer = setTimeout(stop, canWatch ? Math.max(ms, this.options.idleRoundMs) : ms)
      if (!canWatch) return
      const watchLoop = async () => {
        while (!watching.signal.aborted) {
          if (await this.remote.watch!(cursor, watching.signal)) return done(true)
        }
      }
      watchLoop().catch(() => {
        // The store cannot watch right now: fall back to one polling interval.
        clearTimeout(timer)
        if (!settled) setTimeout(stop, ms)
      })
    })
  }
}
