import { describe, expect, it } from 'vitest'
import { keys } from '../../src/engine/local-state.ts'
import { packGroups, writesBytes } from '../../src/engine/write-parts.ts'
import type { LocalWrite } from '../../src/local-store.ts'
import { contents, MemoryCloud, MemoryLocalStore, openDevice, setField } from './helpers.ts'

const bytes = (n: number) => new Uint8Array(n)

/** A store that asks for writes under `maxWriteBytes`, records every write, and can refuse one. */
class SmallWriteStore extends MemoryLocalStore {
  constructor(readonly maxWriteBytes = 1024) {
    super()
  }
  readonly written: LocalWrite[][] = []
  refuse: ((batch: LocalWrite[]) => boolean) | undefined

  override async write(batch: LocalWrite[]): Promise<void> {
    if (this.refuse?.(batch)) {
      this.refuse = undefined
      throw new Error('the disk is full (test)')
    }
    this.written.push(batch)
    await super.write(batch)
  }
}

const isOutbox = (key: string) => key.startsWith(keys.outboxPrefix)
const clearsMarks = (batch: LocalWrite[]) =>
  batch.some(([key, value]) => key.startsWith(keys.pendingPrefix) && value === undefined)

/** Text that does not compress (the outbox is compressed): 300 letters from a seeded generator. */
function notes(seed: number): string {
  let x = seed + 1
  let out = ''
  for (let i = 0; i < 300; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0
    out += String.fromCharCode(97 + ((x >>> 16) % 26))
  }
  return out
}

async function pairOn(local: SmallWriteStore) {
  const cloud = new MemoryCloud()
  const phone = await openDevice(cloud, 'phone', { local })
  const tablet = await openDevice(cloud, 'tablet')
  await phone.engine.activate()
  await tablet.engine.activate()
  for (let i = 0; i < 60; i++) await setField(phone.engine, `entry-${i}`, 'notes', notes(i))
  await phone.engine.flush()
  local.written.length = 0
  return { cloud, phone, tablet }
}

describe('packGroups', () => {
  it('keeps groups whole and in order, in parts under the size unless one group is larger', () => {
    const groups: LocalWrite[][] = [
      [['a', bytes(40)]],
      [
        ['b', bytes(30)],
        ['c', undefined],
      ],
      [['d', bytes(800)]],
      [['e', bytes(10)]],
      [['f', undefined]],
    ]
    const parts = packGroups(groups, 700)
    expect(parts.map((part) => part.map(([key]) => key))).toEqual([['a', 'b', 'c'], ['d'], ['e', 'f']])
    expect(parts.flat()).toEqual(groups.flat())
    for (const part of parts) if (part.length > 1) expect(writesBytes(part)).toBeLessThanOrEqual(700)
    expect(packGroups([], 700)).toEqual([])
  })
})

describe('a push on a store that asks for small writes (maxWriteBytes)', () => {
  it('seals the batch in one write and clears the pending marks after it, in parts under the size', async () => {
    const local = new SmallWriteStore()
    const { phone, tablet } = await pairOn(local)
    await phone.engine.syncNow()
    const sealing = local.written.findIndex((batch) => batch.some(([key, value]) => isOutbox(key) && value))
    expect(sealing).toBeGreaterThanOrEqual(0)
    expect(local.written[sealing]!.some(([key]) => key === keys.state)).toBe(true)
    expect(clearsMarks(local.written[sealing]!)).toBe(false)
    const after = local.written.slice(sealing + 1).filter(clearsMarks)
    expect(after.length).toBeGreaterThan(1)
    for (const part of after) expect(writesBytes(part)).toBeLessThanOrEqual(local.maxWriteBytes)
    expect(await local.keys(keys.pendingPrefix)).toEqual([])
    expect(phone.engine.status.pending).toBe(0)
    await tablet.engine.syncNow()
    expect(Object.keys(await contents(tablet.engine))).toHaveLength(60)
    expect(await contents(tablet.engine)).toEqual(await contents(phone.engine))
  })

  it('loses nothing when the app stops after the sealing write: the next engine sends the marks again', async () => {
    const local = new SmallWriteStore()
    const { cloud, phone, tablet } = await pairOn(local)
    local.refuse = clearsMarks
    await expect(phone.engine.syncNow()).rejects.toThrow(/the disk is full/)
    // The app stops here: the engine is dropped without close, and a new one opens the same data.
    await local.close()
    const again = await openDevice(cloud, 'phone', { local: local.reopen() })
    expect(again.engine.status.pending).toBe(60)
    await again.engine.syncNow()
    expect(again.engine.status.pending).toBe(0)
    await tablet.engine.syncNow()
    const merged = await contents(tablet.engine)
    expect(Object.keys(merged)).toHaveLength(60)
    expect(merged).toEqual(await contents(again.engine))
    expect(merged['entry-7']).toEqual({ notes: notes(7) })
  })

  it('with background sync alone, two devices saving at the same moment both end with every entry', async () => {
    const cloud = new MemoryCloud()
    const auto = { autoSync: true, pushDelayMs: 10, pollIntervalMs: 60_000 }
    const stores = [new SmallWriteStore(), new SmallWriteStore()]
    const devices = await Promise.all(
      ['phone', 'tablet'].map((name, i) => openDevice(cloud, name, { ...auto, local: stores[i]! })),
    )
    for (const { engine } of devices) await engine.activate()
    await Promise.all(
      devices.map(async ({ engine }, d) => {
        for (let i = 0; i < 30; i++) await setField(engine, `entry-${d}-${i}`, 'notes', notes(100 * d + i))
      }),
    )
    for (const { engine } of devices)
      await expect.poll(() => engine.list().length, { timeout: 10_000, interval: 20 }).toBe(60)
    await expect
      .poll(async () => JSON.stringify(await contents(devices[0]!.engine)), { timeout: 10_000, interval: 20 })
      .toBe(JSON.stringify(await contents(devices[1]!.engine)))
    for (const local of stores) {
      await expect.poll(() => local.keys(keys.pendingPrefix), { timeout: 10_000, interval: 20 }).toEqual([])
      // The marks were cleared after the sealing write, in parts under the size.
      const sealing = local.written.findIndex((batch) => batch.some(([key, value]) => isOutbox(key) && value))
      expect(clearsMarks(local.written[sealing]!)).toBe(false)
      expect(local.written.slice(sealing + 1).some(clearsMarks)).toBe(true)
    }
    expect((await contents(devices[0]!.engine))['entry-1-7']).toEqual({ notes: notes(107) })
    for (const { engine } of devices) await engine.close()
  })

  it('writes everything as one when it fits under the size', async () => {
    const local = new SmallWriteStore(16 * 1024)
    const cloud = new MemoryCloud()
    const phone = await openDevice(cloud, 'phone', { local })
    await phone.engine.activate()
    await setField(phone.engine, 'one', 'pain', 2)
    await phone.engine.flush()
    local.written.length = 0
    await phone.engine.syncNow()
    const sealing = local.written.find((batch) => batch.some(([key, value]) => isOutbox(key) && value))
    expect(sealing && clearsMarks(sealing)).toBe(true)
  })
})
