/**
 * Background sync only (never `syncNow()`), two devices over the Dropbox
 * emulator through the real provider with long-poll: saves made at the same
 * moment, a save made while the other device uploads, and a save made while
 * the other re-arms its long-poll must each reach the other device by
 * themselves. Before the watch cursor was held back, the first case lost
 * every round while both devices said "Up to date".
 */
import { MemoryLocalStore, SyncEngine } from '@y-dropbox/core'
import { type Emulator, startEmulator } from '@y-dropbox/dropbox-emulator'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { linkToEmulator } from '../emulator-link.ts'

const APP_KEY = 'background-app'
/** How long a change may take to arrive on a loaded machine; it takes about a second. */
const ARRIVES_WITHIN_MS = 20_000

let emulator: Emulator
const engines: SyncEngine[] = []
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, maxLongpollMs: 30_000 })
})
afterAll(async () => {
  await emulator.close()
})
beforeEach(async () => {
  await emulator.reset()
  emulator.faults.clear()
})
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close()
})

async function device(tag: string): Promise<SyncEngine> {
  const { remote } = await linkToEmulator(emulator, APP_KEY, tag)
  const engine = await SyncEngine.open({
    remote,
    local: new MemoryLocalStore(),
    root: '/diary',
    deviceName: tag,
    pushDelayMs: 50,
    pollIntervalMs: 60_000,
    onError: () => {},
  })
  engines.push(engine)
  return engine
}

async function pair(): Promise<[SyncEngine, SyncEngine]> {
  const phone = await device('phone')
  const tablet = await device('tablet')
  await phone.activate()
  await tablet.activate()
  return [phone, tablet]
}

async function set(engine: SyncEngine, id: string, value: unknown): Promise<void> {
  ;(await engine.doc(id)).getMap('entry').set('value', value)
}

/** Resolves once `engine` shows `value` in entry `id`; fails after the bound. */
async function arrives(engine: SyncEngine, id: string, value: unknown): Promise<void> {
  const end = Date.now() + ARRIVES_WITHIN_MS
  while (Date.now() < end) {
    if (
      engine.list().some((d) => d.id === id) &&
      (await engine.doc(id)).getMap('entry').get('value') === value
    )
      return
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(
    `${engine.deviceName} never received ${id} = ${String(value)}; status: ${engine.status.message}`,
  )
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('background sync over the emulator', () => {
  it('saves made on two devices in the same tick each arrive on the other, five times over', async () => {
    const [phone, tablet] = await pair()
    for (let round = 0; round < 5; round++) {
      await Promise.all([set(phone, `a${round}`, round), set(tablet, `b${round}`, round)])
      await Promise.all([arrives(tablet, `a${round}`, round), arrives(phone, `b${round}`, round)])
      await pause(600 + round * 450)
    }
    expect(phone.status.state).toBe('idle')
    expect(tablet.status.state).toBe('idle')
  })

  it("a save made while the other device's upload is on the wire arrives", async () => {
    const [phone, tablet] = await pair()
    // The phone's uploads take 800 ms; the tablet saves in the middle of one.
    emulator.faults.add({ route: 'files/upload', client: 'phone', fault: 'latency', latencyMs: 800 })
    await set(phone, 'slow', 1)
    await pause(400)
    await set(tablet, 'quick', 2)
    await Promise.all([arrives(tablet, 'slow', 1), arrives(phone, 'quick', 2)])
  })

  it('a save made while the other device re-arms its long-poll arrives', async () => {
    const [phone, tablet] = await pair()
    // Every long-poll of the tablet answers late, so saves keep landing while it re-arms.
    emulator.faults.add({
      route: 'files/list_folder/longpoll',
      client: 'tablet',
      fault: 'latency',
      latencyMs: 300,
    })
    for (let i = 0; i < 4; i++) {
      await set(phone, `p${i}`, i)
      await arrives(tablet, `p${i}`, i)
      await pause(150 * i)
    }
  })
})
