/**
 * A push's round reads `pool.json`, lists and seals while its push delay runs
 * out, and uploads no earlier than the delay allows; a `pool.json` altered
 * meanwhile still stops it before it writes.
 */
import { describe, expect, it } from 'vitest'
import type { BlobStore } from '../../src/blob-store.ts'
import { CorruptBlobError } from '../../src/errors.ts'
import type { LocalWrite } from '../../src/local-store.ts'
import { MemoryCloud, MemoryLocalStore, openDevice, setField } from './helpers.ts'

/** A client of `cloud` that records each call's start and end (ms since `t0`). */
function recorded(cloud: MemoryCloud, latencyMs = 0) {
  const store = cloud.connect({ latencyMs })
  const calls: Array<{ what: string; start: number; end: number }> = []
  const wrap = <T>(what: string, call: () => Promise<T>) => {
    const start = Date.now()
    return call().finally(() => calls.push({ what, start, end: Date.now() }))
  }
  const remote: BlobStore = {
    put: (path, data, mode) => wrap(`put ${path.split('/').pop()}`, () => store.put(path, data, mode)),
    get: (path) => wrap(`get ${path.split('/').pop()}`, () => store.get(path)),
    list: (prefix, cursor) => wrap('list', () => store.list(prefix, cursor)),
    delete: (paths) => store.delete(paths),
    watch: (cursor, signal) => store.watch(cursor, signal),
  }
  return { remote, calls }
}

/** A device that activated a new pool and synced once, with its calls recorded. */
async function syncedDevice() {
  const cloud = new MemoryCloud()
  const { remote, calls } = recorded(cloud)
  const a = await openDevice(cloud, 'a', { remote })
  await a.engine.activate()
  await a.engine.syncNow()
  return { cloud, calls, a }
}

describe("a push's round", () => {
  it('reads pool.json in every round, and an altered one stops the round before it writes', async () => {
    const { cloud, calls, a } = await syncedDevice()
    // Someone rewrites pool.json naming another pool in the same epoch: a new revision.
    const other = cloud.connect()
    const got = (await other.get('/diary/pool.json'))!
    const pool = JSON.parse(new TextDecoder().decode(got.data))
    pool.poolId = `${pool.poolId.slice(0, -1)}${pool.poolId.endsWith('x') ? 'y' : 'x'}`
    await other.put('/diary/pool.json', new TextEncoder().encode(JSON.stringify(pool)), {
      update: got.meta.rev,
    })
    calls.length = 0
    await setField(a.engine, 'e1', 'pain', 3)
    await expect(a.engine.syncNow()).rejects.toBeInstanceOf(CorruptBlobError)
    expect(calls.map((c) => c.what)).toContain('get pool.json')
    expect(calls.filter((c) => c.what.startsWith('put '))).toEqual([])
    await a.engine.close()
  })

  it('reads, lists and seals before its delay runs out, and uploads once it has', async () => {
    const cloud = new MemoryCloud()
    const latencyMs = 20
    const { remote, calls } = recorded(cloud, latencyMs)
    const timing = { autoSync: true, pushDelayMs: 300, flushDelayMs: 10 }
    const a = await openDevice(cloud, 'a', { remote, ...timing })
    await a.engine.activate()
    const uploaded = async (value: number) => {
      calls.length = 0
      const changedAt = Date.now()
      await setField(a.engine, 'e1', 'pain', value)
      await expect
        .poll(() => calls.some((c) => c.what.endsWith('.ydu')), { timeout: 10_000, interval: 5 })
        .toBe(true)
      return { changedAt, calls: [...calls] }
    }
    // The first push measures how long a round takes before it uploads; the later ones start early by it.
    await uploaded(1)
    await new Promise((resolve) => setTimeout(resolve, 50))
    const { changedAt, calls: round } = await uploaded(2)
    const list = round.find((c) => c.what === 'list')!
    const pool = round.find((c) => c.what === 'get pool.json')!
    const put = round.find((c) => c.what.endsWith('.ydu'))!
    const due = changedAt + timing.flushDelayMs + timing.pushDelayMs
    // The reads ran (and ended) before the push was due; the upload waited for it.
    for (const read of [list, pool]) {
      expect(read.end).toBeLessThan(due)
      expect(read.end).toBeLessThanOrEqual(put.start)
    }
    expect(put.start).toBeGreaterThanOrEqual(due)
    await a.engine.close()
  })

  it('counts its delay from when the local write was due, so a slow store does not hold the upload back', async () => {
    const cloud = new MemoryCloud()
    const { remote, calls } = recorded(cloud)
    const slowMs = 200
    /** A store whose writes of document content (the flush) take `slowMs`. */
    class SlowFlushStore extends MemoryLocalStore {
      override async write(batch: LocalWrite[]): Promise<void> {
        if (batch.some(([key, value]) => key.startsWith('d/') && value !== undefined))
          await new Promise((resolve) => setTimeout(resolve, slowMs))
        await super.write(batch)
      }
    }
    const timing = { autoSync: true, pushDelayMs: 300, flushDelayMs: 10 }
    const a = await openDevice(cloud, 'a', { remote, local: new SlowFlushStore(), ...timing })
    await a.engine.activate()
    // The round that follows activation ends before the edit (a round running then uploads at once).
    await expect.poll(() => a.engine.status.state, { timeout: 10_000, interval: 5 }).not.toBe('syncing')
    await new Promise((resolve) => setTimeout(resolve, 50))
    calls.length = 0
    const changedAt = Date.now()
    await setField(a.engine, 'e1', 'pain', 1)
    await expect
      .poll(() => calls.some((c) => c.what.endsWith('.ydu')), { timeout: 10_000, interval: 5 })
      .toBe(true)
    const put = calls.find((c) => c.what.endsWith('.ydu'))!
    const due = changedAt + timing.flushDelayMs + timing.pushDelayMs
    expect(put.start).toBeGreaterThanOrEqual(due)
    // Counted from the end of the slow write, the upload would leave at due + slowMs or later.
    expect(put.start).toBeLessThan(due + slowMs / 2)
    await a.engine.close()
  })
})
