import { expect } from 'vitest'
import * as Y from 'yjs'
import type { SyncEngineOptions } from '../../src/engine/options.ts'
import { SyncEngine } from '../../src/engine/sync-engine.ts'
import { MemoryCloud } from '../../src/stores/memory-blob-store.ts'
import { MemoryLocalStore } from '../../src/stores/memory-local-store.ts'

/** A simulated device: its own LocalStore and client of the shared cloud. */
export interface TestDevice {
  name: string
  local: MemoryLocalStore
  remote: ReturnType<MemoryCloud['connect']>
  engine: SyncEngine
}

export async function openDevice(
  cloud: MemoryCloud,
  name: string,
  options: Partial<SyncEngineOptions> = {},
): Promise<TestDevice> {
  const local = (options.local as MemoryLocalStore | undefined) ?? new MemoryLocalStore()
  const remote = cloud.connect()
  const engine = await SyncEngine.open({
    remote,
    local,
    deviceName: name,
    root: '/diary',
    autoSync: false,
    onError: () => {},
    ...options,
  })
  return { name, local, remote, engine }
}

/** Two devices, phone and tablet, both active in one pool over a new MemoryCloud. */
export async function activePair(options: Partial<SyncEngineOptions> = {}) {
  const cloud = new MemoryCloud()
  const phone = await openDevice(cloud, 'phone', options)
  const tablet = await openDevice(cloud, 'tablet', options)
  await phone.engine.activate()
  await tablet.engine.activate()
  return { cloud, phone, tablet }
}

/** The JSON of every document on a device, by id. */
export async function contents(engine: SyncEngine): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  for (const { id } of engine.list().sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const doc = await engine.doc(id)
    out[id] = doc.getMap('entry').toJSON()
  }
  return out
}

export async function setField(engine: SyncEngine, id: string, key: string, value: unknown): Promise<void> {
  const doc = await engine.doc(id)
  doc.getMap('entry').set(key, value)
}

/**
 * Resolves when `device` has `value` in field `pain` of entry `id`, set on another device.
 * The entry is opened only once listed: opening it first would create it there, a save of its own.
 */
export async function arrived(device: TestDevice, id: string, value: number): Promise<void> {
  const poll = { timeout: 20_000, interval: 5 }
  await expect.poll(() => device.engine.list().some((d) => d.id === id), poll).toBe(true)
  await expect.poll(async () => (await device.engine.doc(id)).getMap('entry').get('pain'), poll).toBe(value)
}

export { MemoryCloud, MemoryLocalStore, SyncEngine, Y }
