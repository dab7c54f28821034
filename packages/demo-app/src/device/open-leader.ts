/** Opens a device's engine in the tab elected to sync it. */
import { IdbLocalStore, type LocalStore, SyncEngine, type SyncEngineOptions } from '@y-dropbox/core'
import type { Leader } from '@y-dropbox/tabs'
import type { DeviceProfile } from '../app/profile.ts'
import type { CloudLink } from '../cloud/cloud-link.ts'
import { summarizeEntry } from '../model/summary.ts'
import type { DeviceCalls, DeviceView } from './device-api.ts'
import { DeviceLeader } from './device-leader.ts'
import { POOL_ROOT } from './pool-root.ts'
import { diaryWords } from './words.ts'

/** What the syncing tab serves, with the device operations typed. */
export type DeviceParts = Leader<DeviceView, DeviceCalls> & {
  /** The device operations. */
  calls: DeviceCalls
  /** The engine seen as documents, list and device state. */
  source: DeviceLeader['source']
  /** Closes the engine, then its store. */
  close(): Promise<void>
}

/** The name the engine gives a device that never chose one. */
const ENGINE_DEFAULT_NAME = 'This device'

/**
 * Opens the profile's IndexedDB store and sync engine (resuming sync if it was on) and returns
 * what the tab layer serves. Closing flushes the engine, then closes the database.
 */
export async function openLeader(profile: DeviceProfile, cloud: CloudLink): Promise<DeviceParts> {
  return openLeaderOn(await IdbLocalStore.open({ dbName: profile.engineDb }), profile, cloud)
}

/**
 * Opens the sync engine on `local` for the profile, with the diary's summaries and the profile's
 * timings (`overrides` win), and returns what the tab layer serves. Closing flushes the engine
 * and closes `local`; so does a failure to open.
 */
export async function openLeaderOn(
  local: LocalStore,
  profile: DeviceProfile,
  cloud: CloudLink,
  overrides: Partial<SyncEngineOptions> = {},
): Promise<DeviceParts> {
  try {
    const engine = await SyncEngine.open({
      remote: cloud.remote,
      local,
      root: POOL_ROOT,
      summarize: summarizeEntry,
      pushDelayMs: profile.pushDelayMs,
      pollIntervalMs: profile.pollIntervalMs,
      platform: describePlatform(),
      words: diaryWords,
      ...overrides,
    })
    if (engine.deviceName === ENGINE_DEFAULT_NAME) await engine.setDeviceName(profile.defaultName)
    const leader = new DeviceLeader(engine, cloud, await cloud.isLinked())
    return {
      engine,
      source: leader.source,
      calls: leader.calls,
      state: () => leader.source.state(),
      watchState: (changed) => leader.source.subscribe({ state: changed, docs: () => {}, reset: () => {} }),
      doc: (id) => leader.source.doc(id),
      close: async () => {
        leader.detach()
        try {
          await engine.close()
        } finally {
          await local.close()
        }
      },
    }
  } catch (error) {
    await local.close()
    throw error
  }
}

/** "Chrome on Linux", from the user agent. */
export function describePlatform(ua = globalThis.navigator?.userAgent ?? ''): string {
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'Browser'
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Mac OS X/.test(ua)
        ? 'macOS'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Linux/.test(ua)
            ? 'Linux'
            : 'unknown system'
  return `${browser} on ${os}`
}
