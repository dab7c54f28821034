import { AuthError, type BlobStore, type MemoryCloud, MemoryLocalStore, SyncEngine } from '@y-dropbox/core'
import type { RetryInfo } from '@y-dropbox/dropbox-provider'
import type { CloudLink, LinkIntent } from '../../src/cloud/cloud-link.ts'
import { LinkedStore } from '../../src/cloud/linked-store.ts'
import { DeviceLeader } from '../../src/device/device-leader.ts'
import { POOL_ROOT } from '../../src/device/pool-root.ts'
import { summarizeEntry } from '../../src/model/summary.ts'

/** A Dropbox link over a shared in-memory cloud; linking is a flag (no browser here). */
export class MemoryLink implements CloudLink {
  readonly kind = 'emulator' as const
  readonly remote: BlobStore
  onRetry: ((info: RetryInfo) => void) | undefined
  constructor(
    cloud: MemoryCloud,
    public linked = true,
  ) {
    const store = cloud.connect()
    this.remote = new LinkedStore(async () => {
      if (!this.linked) throw new AuthError('Dropbox is not linked on this device; link Dropbox first')
      return store
    })
  }
  async isLinked(): Promise<boolean> {
    return this.linked
  }
  async refresh(): Promise<void> {}
  async beginLink(_intent: LinkIntent): Promise<void> {
    this.linked = true
  }
  async completeLink(): Promise<LinkIntent | undefined> {
    return undefined
  }
  async unlink(): Promise<void> {
    this.linked = false
  }
}

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
