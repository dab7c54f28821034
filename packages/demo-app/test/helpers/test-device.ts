import { type MemoryCloud, MemoryLocalStore, SyncEngine } from '@y-dropbox/core'
import { MemoryLink } from '../../src/cloud/memory-link.ts'
import { DeviceLeader } from '../../src/device/device-leader.ts'
import { POOL_ROOT } from '../../src/device/pool-root.ts'
import { summarizeEntry } from '../../src/model/summary.ts'

/** One simulated device: its engine (fast timings, the diary's summaries) and leader. */
export async function openDevice(cloud: MemoryCloud, name: string, linked = true) {
  const link = new MemoryLink(cloud, linked)
  const engine = await SyncEngine.open({
    remote: link.remote,
    local: new MemoryLocalStore(),
    root: POOL_ROOT,
    deviceName: name,
    summarize: summarizeEntry,
    pushDelayMs: 5,
    pollIntervalMs: 50,
    autoSync: false,
  })
  const leader = new DeviceLeader(engine, link, linked)
  return { link, engine, leader, calls: leader.calls, close: () => engine.close() }
}
