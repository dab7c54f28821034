/** Tabs of one simulated browser profile over a MemoryCloud: one lock manager, one LocalStore. */

import { MemoryCloud, MemoryLocalStore, SyncEngine } from '@y-dropbox/core'
import { type Calls, type Leader, SharedEngine, type ShareEngineOptions } from '../../src/index.ts'
import { MemoryLocks } from '../../src/testing.ts'

// biome-ignore lint/suspicious/noExplicitAny: tabs of any app state
type AnyTab = SharedEngine<any, Calls>

export const opened: AnyTab[] = []

/** Closes every tab the test opened. */
export async function closeAll(): Promise<void> {
  for (const tab of opened.splice(0)) await tab.close()
}

/** A browser profile: its tabs share `locks`, `disk` (one IndexedDB) and the channel name. */
export function profile(cloud = new MemoryCloud()) {
  const name = `phone-${Math.random().toString(36).slice(2)}`
  const locks = new MemoryLocks()
  const disk = new MemoryLocalStore()
  const engines: SyncEngine[] = []
  const openEngine = async () => {
    const engine = await SyncEngine.open({
      remote: cloud.connect(),
      local: disk,
      deviceName: 'phone',
      root: '/diary',
      autoSync: false,
      onError: () => {},
    })
    engines.push(engine)
    return engine
  }
  function tab<S = undefined>(
    id: string,
    open: () => Promise<SyncEngine | Leader<S, Calls>> = openEngine,
    options: Partial<ShareEngineOptions<S, Calls>> = {},
  ): SharedEngine<S, Calls> {
    const shared = new SharedEngine<S, Calls>({ name, tabId: id, locks, open, ...options })
    opened.push(shared)
    return shared
  }
  /** Another device of the pool (its own LocalStore, no tabs), activated. */
  async function otherDevice(): Promise<SyncEngine> {
    const engine = await SyncEngine.open({
      remote: cloud.connect(),
      local: new MemoryLocalStore(),
      root: '/diary',
      autoSync: false,
    })
    await engine.activate()
    return engine
  }
  return { name, cloud, locks, disk, engines, openEngine, tab, otherDevice }
}

/** Resolves when `tab` leads. */
export function elected(tab: AnyTab): Promise<void> {
  return new Promise((resolve) => (tab.isLeader ? resolve() : tab.once('elected', resolve)))
}

/** Waits until `check()` holds (polling); fails naming `what` after 10 s. */
export async function until(check: () => boolean, what: string): Promise<void> {
  const start = Date.now()
  while (!check()) {
    if (Date.now() - start > 10_000) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
