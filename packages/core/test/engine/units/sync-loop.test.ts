/**
 * sync-loop.ts on its own, with a scripted host and fake timers: when the
 * next round runs after a success, a failure, a rate limit, a watch report or
 * a push request, and that stopping waits for the round running.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveOptions, type SyncEngineOptions } from '../../../src/engine/options.ts'
import { type LoopHost, SyncLoop } from '../../../src/engine/sync-loop.ts'
import { NeedsMasterError, PoolDeletedError, RateLimitError, TransientError } from '../../../src/errors.ts'
import { MemoryCloud, MemoryLocalStore } from './fixture.ts'

/** What a scripted round does: throw this error, run this task, or (undefined) pass. */
type Outcome = Error | (() => Promise<void>) | undefined

const POLL = 100_000
const IDLE_ROUND = 200_000

/** A loop over a host whose rounds go as `outcomes` say (then pass), and whose `moreWork` answers are `more`. */
function scripted(outcomes: Outcome[] = [], more: boolean[] = [], options: Partial<SyncEngineOptions> = {}) {
  const remote = options.remote ?? new MemoryCloud().connect()
  const woken: boolean[] = []
  /** Each round's `uploadAt`. */
  const uploadAts: Array<number | undefined> = []
  const errors: string[] = []
  const host = {
    cursor: undefined as string | undefined,
    /** Runs at the end of every round. */
    after: async () => {},
    /** What the host says its rounds take before they upload. */
    beforeUploadMs: 0,
    round: async (changed: boolean, uploadAt?: number) => {
      woken.push(changed)
      uploadAts.push(uploadAt)
      const outcome = outcomes.shift()
      if (outcome instanceof Error) throw outcome
      await outcome?.()
      await host.after()
    },
    active: () => true,
    moreWork: () => more.shift() ?? false,
  }
  const loopHost: LoopHost = {
    round: (changed, uploadAt) => host.round(changed, uploadAt),
    beforeUploadMs: () => host.beforeUploadMs,
    active: () => host.active(),
    cursor: () => host.cursor,
    moreWork: () => host.moreWork(),
  }
  const resolved = resolveOptions({
    local: new MemoryLocalStore(),
    pollIntervalMs: POLL,
    idleRoundMs: IDLE_ROUND,
    pushDelayMs: 50,
    retryDelayMs: { base: 1000, max: 4000 },
    random: () => 1,
    onError: (_, context) => errors.push(context),
    ...options,
    remote,
  })
  const loop = new SyncLoop(loopHost, remote, resolved)
  /** Rounds run once `ms` more have passed. */
  const roundsAfter = async (ms: number) => {
    await vi.advanceTimersByTimeAsync(ms)
    return woken.length
  }
  return { loop, host, woken, uploadAts, errors, roundsAfter }
}

let running: SyncLoop | undefined

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(async () => {
  const loop = running
  running = undefined
  if (loop) {
    const stopped = loop.stop()
    await vi.runOnlyPendingTimersAsync()
    await stopped
  }
  vi.useRealTimers()
})

function start<T extends { loop: SyncLoop }>(it: T): T {
  running = it.loop
  it.loop.start()
  return it
}

describe('SyncLoop', () => {
  it('backs off exponentially after failures, up to the cap, then polls again after a success', async () => {
    const failing = () => new TransientError('offline')
    const { roundsAfter } = start(scripted([failing(), failing(), failing(), failing()]))
    expect(await roundsAfter(0)).toBe(1)
    expect(await roundsAfter(999)).toBe(1)
    expect(await roundsAfter(1)).toBe(2)
    expect(await roundsAfter(1999)).toBe(2)
    expect(await roundsAfter(1)).toBe(3)
    expect(await roundsAfter(3999)).toBe(3)
    expect(await roundsAfter(1)).toBe(4)
    // Capped at retryDelayMs.max.
    expect(await roundsAfter(3999)).toBe(4)
    expect(await roundsAfter(1)).toBe(5)
    // The fifth round passed: the next one waits for the polling interval.
    expect(await roundsAfter(POLL - 1)).toBe(5)
    expect(await roundsAfter(1)).toBe(6)
  })

  it('draws the backoff between half and all of its step', async () => {
    const { roundsAfter } = start(scripted([new TransientError('offline')], [], { random: () => 0 }))
    expect(await roundsAfter(0)).toBe(1)
    expect(await roundsAfter(499)).toBe(1)
    expect(await roundsAfter(1)).toBe(2)
  })

  it('waits as long as a rate limit asks', async () => {
    const { roundsAfter } = start(scripted([new RateLimitError(7000)]))
    expect(await roundsAfter(0)).toBe(1)
    expect(await roundsAfter(6999)).toBe(1)
    expect(await roundsAfter(1)).toBe(2)
  })

  it('keeps polling while a master download waits, without counting it as a failure', async () => {
    const needs = () => new NeedsMasterError('download the master')
    const { roundsAfter } = start(scripted([needs(), needs(), new TransientError('offline')]))
    expect(await roundsAfter(0)).toBe(1)
    expect(await roundsAfter(POLL - 1)).toBe(1)
    expect(await roundsAfter(1)).toBe(2)
    expect(await roundsAfter(POLL)).toBe(3)
    // The first real failure backs off by the first step.
    expect(await roundsAfter(1000)).toBe(4)
  })

  it('ends when the pool is deleted, reporting nothing', async () => {
    const { loop, roundsAfter, errors } = start(scripted([new PoolDeletedError('gone')]))
    expect(await roundsAfter(0)).toBe(1)
    expect(await roundsAfter(10 * POLL)).toBe(1)
    expect(errors).toEqual([])
    // It ended for good: a new start runs a new loop.
    loop.start()
    expect(await roundsAfter(0)).toBe(2)
  })

  it('runs no round while sync is off', async () => {
    const it = scripted()
    it.host.active = () => false
    const { roundsAfter } = start(it)
    expect(await roundsAfter(10 * POLL)).toBe(0)
  })

  it('stop() waits for the round running, and no round follows', async () => {
    let finish = () => {}
    const slow = () => new Promise<void>((resolve) => (finish = resolve))
    const { loop, roundsAfter } = start(scripted([slow]))
    expect(await roundsAfter(0)).toBe(1)
    let stopped = false
    const stopping = loop.stop().then(() => (stopped = true))
    await roundsAfter(10)
    expect(stopped).toBe(false)
    finish()
    await stopping
    expect(stopped).toBe(true)
    expect(await roundsAfter(10 * POLL)).toBe(1)
  })

  it('runs a round with woken=true when the store reports a change, and keeps a safety timer', async () => {
    const cloud = new MemoryCloud()
    const remote = cloud.connect()
    const it = scripted([], [], { remote })
    it.host.cursor = (await remote.list('/diary')).cursor
    // Each round lists again, as a real one does, so its cursor is past what it saw.
    it.host.after = async () => {
      it.host.cursor = (await remote.list('/diary', it.host.cursor)).cursor
    }
    const { roundsAfter, woken } = start(it)
    expect(await roundsAfter(0)).toBe(1)
    await cloud.connect().put('/diary/pool.json', new Uint8Array([1]), 'add')
    expect(await roundsAfter(0)).toBe(2)
    expect(woken).toEqual([false, true])
    // No change: while watching, the round after is due only at idleRoundMs.
    expect(await roundsAfter(IDLE_ROUND - 1)).toBe(2)
    expect(await roundsAfter(1)).toBe(3)
    expect(woken[2]).toBe(false)
  })

  it('falls back to the polling interval when the store cannot watch', async () => {
    const remote = new MemoryCloud().connect()
    const it = scripted([], [], { remote })
    it.host.cursor = (await remote.list('/diary')).cursor
    remote.setFaults({ offline: true })
    const { roundsAfter } = start(it)
    expect(await roundsAfter(0)).toBe(1)
    expect(await roundsAfter(POLL - 1)).toBe(1)
    expect(await roundsAfter(1)).toBe(2)
  })

  it('runs a round once a requested push falls due, restarting the delay at each request', async () => {
    const { loop, roundsAfter } = start(scripted())
    expect(await roundsAfter(0)).toBe(1)
    loop.schedulePush()
    expect(await roundsAfter(30)).toBe(1)
    loop.schedulePush()
    expect(await roundsAfter(49)).toBe(1)
    expect(await roundsAfter(1)).toBe(2)
  })

  it("starts a push's round early by twice what rounds take before they upload, at most half the delay, and says when it may upload", async () => {
    const { loop, host, roundsAfter, uploadAts } = start(scripted())
    expect(await roundsAfter(0)).toBe(1)
    host.beforeUploadMs = 10
    const scheduledAt = Date.now()
    loop.schedulePush()
    expect(await roundsAfter(29)).toBe(1)
    expect(await roundsAfter(1)).toBe(2)
    expect(uploadAts[1]).toBe(scheduledAt + 50)
    // A slow store: never earlier than half the delay.
    host.beforeUploadMs = 1000
    const again = Date.now()
    loop.schedulePush()
    expect(await roundsAfter(24)).toBe(2)
    expect(await roundsAfter(1)).toBe(3)
    expect(uploadAts[2]).toBe(again + 50)
    // Rounds that are not a push's have no upload time.
    expect(uploadAts[0]).toBeUndefined()
  })

  it('counts the push delay from the time it is given (when the change was due to be written)', async () => {
    const { loop, roundsAfter, uploadAts } = start(scripted())
    expect(await roundsAfter(0)).toBe(1)
    // The write was due 20 ms ago (a slow store): 30 ms are left of the 50.
    const since = Date.now() - 20
    loop.schedulePush(since)
    expect(await roundsAfter(29)).toBe(1)
    expect(await roundsAfter(1)).toBe(2)
    expect(uploadAts[1]).toBe(since + 50)
    // A write that took longer than the whole delay: the push's round runs at once.
    loop.schedulePush(Date.now() - 80)
    expect(await roundsAfter(0)).toBe(3)
  })

  it('runs the next round at once when the last saw more work, then backs off while it keeps seeing more', async () => {
    const { roundsAfter } = start(scripted([], [true, true, true]))
    expect(await roundsAfter(0)).toBe(2)
    expect(await roundsAfter(999)).toBe(2)
    expect(await roundsAfter(1)).toBe(3)
    expect(await roundsAfter(1999)).toBe(3)
    expect(await roundsAfter(1)).toBe(4)
    expect(await roundsAfter(POLL - 1)).toBe(4)
    expect(await roundsAfter(1)).toBe(5)
  })
})
