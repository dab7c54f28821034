import { type MemoryCloud, MemoryLocalStore, SyncEngine } from '@y-dropbox/core'
import { MemoryLink } from '../../src/cloud/memory-link.ts'
import { DeviceLeader } from '../../src/device/device-leader.ts'
import { POOL_ROOT } from '../../src/device/pool-root.ts'
import { summarizeEntry } from '../../src/model/summary.ts'

/** One simulated device: its store, engine (fast timings, the diary's summaries) and leader. */
export async function openDevice(cloud: MemoryCloud, name: string, linked = true) {
  const link = new MemoryLink(cloud, linked)
  const local = new MemoryLocalStore()
  const engine = await SyncEngine.open({
    remote: link.remote,
    local,
    root: POOL_ROOT,
    deviceName: name,
    summarize: summarizeEntry,
    pushDelayMs: 5,
    pollIntervalMs: 50,
    autoSync: false,
  })
  const leader = new DeviceLeader(engine, link, linked)
  return { link, local, engine, leader, calls: leader.calls, close: () => engine.close() }
}
