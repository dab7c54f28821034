/**
 * A round woken by the store reads the next batch of the device that wrote
 * last while it lists the folder, so the change lands one round trip sooner;
 * a wrong guess costs a call and nothing else.
 */
import { describe, expect, it } from 'vitest'
import type { BlobStore } from '../../src/blob-store.ts'
import { arrived, MemoryCloud, openDevice, setField } from './helpers.ts'

/** A client of `cloud` that records when each call starts and ends. */
function recorded(cloud: MemoryCloud, log: string[]): BlobStore {
  const store = cloud.connect({ latencyMs: 5 })
  const wrap = <T>(what: string, call: () => Promise<T>) => {
    log.push(`${what} start`)
    return call().finally(() => log.push(`${what} end`))
  }
  return {
    put: (path, data, mode) => store.put(path, data, mode),
    get: (path) =>
      wrap(path.endsWith('.ydu') ? 'get log' : `get ${path.split('/').pop()}`, () => store.get(path)),
    list: (prefix, cursor) => wrap('list', () => store.list(prefix, cursor)),
    delete: (paths) => store.delete(paths),
    watch: (cursor, signal) => store.watch(cursor, signal),
  }
}

describe('reading ahead on a wake', () => {
  it("downloads the writer's next batch while the round lists the folder", async () => {
    const cloud = new MemoryCloud()
    const log: string[] = []
    const fast = { autoSync: true, pushDelayMs: 10, flushDelayMs: 5 }
    const a = await openDevice(cloud, 'a', fast)
    const b = await openDevice(cloud, 'b', { ...fast, remote: recorded(cloud, log) })
    await a.engine.activate()
    await b.engine.activate()
    for (let value = 1; value <= 3; value++) {
      log.length = 0
      await setField(a.engine, 'e1', 'pain', value)
      await arrived(b, 'e1', value)
    }
    // The last wake: the batch was read in the same round trip as the listing, and only once.
    expect(log.filter((l) => l === 'get log start')).toHaveLength(1)
    expect(log.indexOf('get log start')).toBeLessThan(log.indexOf('list end'))
    await a.engine.close()
    await b.engine.close()
  })

  it('still applies a change from another device than the one guessed', async () => {
    const cloud = new MemoryCloud()
    const fast = { autoSync: true, pushDelayMs: 10, flushDelayMs: 5 }
    const a = await openDevice(cloud, 'a', fast)
    const c = await openDevice(cloud, 'c', fast)
    const b = await openDevice(cloud, 'b', fast)
    for (const d of [a, c, b]) await d.engine.activate()
    // Saves come one at a time, after every device is idle (simultaneous ones are another matter).
    const idle = () => expect.poll(() => [a, b, c].every((d) => d.engine.status.state === 'idle')).toBe(true)
    await idle()
    await setField(a.engine, 'e1', 'pain', 1)
    await arrived(b, 'e1', 1)
    await idle()
    await setField(c.engine, 'e2', 'pain', 2)
    await arrived(b, 'e2', 2)
    await idle()
    await setField(a.engine, 'e1', 'pain', 3)
    await arrived(b, 'e1', 3)
    for (const d of [a, b, c]) await d.engine.close()
  })
})
