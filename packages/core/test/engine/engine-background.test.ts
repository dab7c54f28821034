import { describe, expect, it } from 'vitest'
import type { DocsEvent } from '../../src/engine/events.ts'
import { contents, MemoryCloud, openDevice, setField } from './helpers.ts'

function nextRemoteDocs(engine: { on: (n: 'docs', f: (e: DocsEvent) => void) => void }): Promise<DocsEvent> {
  return new Promise((resolve) => engine.on('docs', (e) => e.origin === 'remote' && resolve(e)))
}

describe('SyncEngine in the background', () => {
  it('pushes after the debounce and the other device pulls through watch, without syncNow', async () => {
    const cloud = new MemoryCloud()
    const auto = { autoSync: true, pushDelayMs: 10, pollIntervalMs: 60_000 }
    const phone = await openDevice(cloud, 'phone', auto)
    const tablet = await openDevice(cloud, 'tablet', auto)
    await phone.engine.activate()
    await tablet.engine.activate()
    const arrived = nextRemoteDocs(tablet.engine)
    await setField(phone.engine, 'a', 'pain', 3)
    expect((await arrived).added).toEqual(['a'])
    expect(await contents(tablet.engine)).toEqual({ a: { pain: 3 } })
    // A burst of edits becomes one upload.
    const before = cloud.stats().calls.put
    const burst = nextRemoteDocs(tablet.engine)
    for (let i = 0; i < 20; i++) await setField(phone.engine, 'a', `k${i}`, i)
    await burst
    await phone.engine.close()
    await tablet.engine.close()
    expect(cloud.stats().calls.put - before).toBeLessThanOrEqual(2)
  })

  it('polls when the store cannot watch, and recovers from an offline period by itself', async () => {
    const cloud = new MemoryCloud()
    const phone = await openDevice(cloud, 'phone', { autoSync: true, pushDelayMs: 5, pollIntervalMs: 20 })
    const tablet = await openDevice(cloud, 'tablet', {
      autoSync: true,
      pushDelayMs: 5,
      pollIntervalMs: 20,
      retryDelayMs: { base: 10, max: 40 },
    })
    Object.defineProperty(tablet.remote, 'watch', { value: undefined })
    await phone.engine.activate()
    await tablet.engine.activate()
    tablet.remote.setFaults({ offline: true })
    await setField(phone.engine, 'a', 'pain', 1)
    await new Promise((r) => setTimeout(r, 100))
    expect(tablet.engine.status.state).toBe('offline')
    const arrived = nextRemoteDocs(tablet.engine)
    tablet.remote.setFaults({ offline: false })
    await arrived
    expect(await contents(tablet.engine)).toEqual({ a: { pain: 1 } })
    await phone.engine.close()
    await tablet.engine.close()
  })

  it('a listener that throws is reported and does not stop sync', async () => {
    const cloud = new MemoryCloud()
    const errors: string[] = []
    const phone = await openDevice(cloud, 'phone', { onError: (_, context) => errors.push(context) })
    phone.engine.on('status', () => {
      throw new Error('listener bug')
    })
    await phone.engine.activate()
    await setField(phone.engine, 'a', 'pain', 1)
    await phone.engine.syncNow()
    expect(phone.engine.status.state).toBe('idle')
    expect(errors).toContain("a 'status' listener threw")
  })
})
