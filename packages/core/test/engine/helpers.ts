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

export { MemoryCloud, MemoryLocalStore, SyncEngine, Y }
