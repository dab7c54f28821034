/**
 * One tab's session: its device profile, its membership in the profile's group of tabs, and the
 * signals the screens render from (device state, diary index version, document generation).
 */
import { signal } from '@preact/signals'
import { type Leader, type SharedEngine, shareEngine } from '@y-dropbox/tabs'
import { createContext } from 'preact'
import { useContext } from 'preact/hooks'
import type { CloudLink, LinkIntent } from '../cloud/cloud-link.ts'
import { type DeviceCalls, type DeviceView, deviceCall } from '../device/device-api.ts'
import { DiaryIndex } from '../model/diary-index.ts'
import type { DeviceProfile } from './profile.ts'

/** The state every screen of one tab shares. */
export class Session {
  /** This tab's share of the device's one engine (one tab syncs, the others follow). */
  readonly hub: SharedEngine<DeviceView, DeviceCalls>
  /** Every entry of the diary, sorted and searchable. */
  readonly index = new DiaryIndex()
  /** The device state from the syncing tab; `undefined` until it arrives. */
  readonly state = signal<DeviceView | undefined>(undefined)
  /** Bumped whenever the diary index changes. */
  readonly listVersion = signal(0)
  /** Bumped when open entries were superseded (master downloaded) and must be opened again. */
  readonly generation = signal(0)
  /** True while this tab is the one syncing the device. */
  readonly isLeader = signal(false)
  /** What the user was doing when sent to Dropbox to link, once back (e.g. activating sync). */
  readonly linkIntent = signal<LinkIntent | undefined>(undefined)
  /** Why the last attempt to link Dropbox failed, if it did. */
  readonly linkError = signal<string | undefined>(undefined)
  /** True while this tab asks for the sync passphrase (sync waits for it, e.g. after a change elsewhere). */
  readonly askPassphrase = signal(false)
  /** Set when this tab could not open the device's database. */
  readonly failure = signal<string | undefined>(undefined)

  constructor(
    /** The simulated device. */
    readonly profile: DeviceProfile,
    /** This profile's Dropbox link (for the browser steps of linking). */
    readonly cloud: CloudLink,
    openLeader: () => Promise<Leader<DeviceView, DeviceCalls>>,
  ) {
    this.hub = shareEngine<DeviceView, DeviceCalls>({ name: profile.device, open: openLeader })
    const hub = this.hub
    hub.on('state', (s) => {
      this.state.value = s
    })
    hub.on('list', () => {
      this.index.replaceAll(hub.list())
      this.listVersion.value++
    })
    hub.on('docs', (items) => {
      if (this.index.upsert(items)) this.listVersion.value++
    })
    hub.on('reset', () => {
      this.generation.value++
    })
    this.hub.on('elected', () => {
      this.isLeader.value = true
      this.failure.value = undefined
    })
    this.hub.on('error', (error) => {
      const why = error instanceof Error ? error.message : String(error)
      this.failure.value = `This device's diary could not be opened (${why}). Close other windows of this device and reload the page.`
    })
  }

  /** Runs a device operation in the syncing tab. */
  call<K extends keyof DeviceCalls>(
    name: K,
    ...args: Parameters<DeviceCalls[K]>
  ): ReturnType<DeviceCalls[K]> {
    return deviceCall(this.hub, name, ...args)
  }
}

/** Gives screens their session. */
export const SessionContext = createContext<Session | undefined>(undefined)

/** The session of this tab (inside `SessionContext`). */
export function useSession(): Session {
  const session = useContext(SessionContext)
  if (!session) throw new Error('useSession() needs a SessionContext provider')
  return session
}
