/** Parts of the Device Sync Services screen: the device's name and the devices of the pool. */
import { useEffect, useState } from 'preact/hooks'
import { useSession } from '../app/session.ts'
import type { PoolDevice } from '../device/device-api.ts'
import { formatAgo } from './format.ts'
import { Icon } from './icons.tsx'
import { errorMessage, useAction } from './use-action.ts'

/** This device's name, editable. */
export function RenameDevice() {
  const session = useSession()
  const current = session.state.value?.deviceName ?? ''
  const [name, setName] = useState(current)
  const action = useAction()
  useEffect(() => setName(current), [current])
  return (
    <div class="card">
      <label class="small muted" for="device-name">
        This device's name
      </label>
      <form
        class="rename"
        style={{ marginTop: 6 }}
        onSubmit={(e) => {
          e.preventDefault()
          action.run('Renaming', () => session.call('rename', name))
        }}
      >
        <input
          id="device-name"
          class="input"
          value={name}
          maxLength={100}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <button type="submit" class="btn" disabled={!!action.busy || name.trim() === current || !name.trim()}>
          Save
        </button>
      </form>
      {action.error && (
        <p class="small" style={{ color: 'var(--danger)' }}>
          {action.error}
        </p>
      )}
    </div>
  )
}

/** What a device of the pool is doing, in words. */
export function deviceStateWords(d: PoolDevice): string {
  if (d.state === 'off') return 'Sync off'
  if (d.waitingForMaster) return 'Syncing · master not downloaded yet'
  return 'Syncing'
}

/**
 * The devices of the pool (while sync is on here): each one's name, whether it syncs or turned
 * sync off, and when it was last seen. Read again whenever this device's sync moves on (a round
 * ended, a new pool or master, sync turned on), so the list follows Delete All and new masters.
 */
export function PoolDevices() {
  const session = useSession()
  const sync = session.state.value?.sync
  const active = sync !== undefined && sync.state !== 'inactive'
  const [devices, setDevices] = useState<PoolDevice[] | undefined>(undefined)
  const [error, setError] = useState<string | undefined>(undefined)
  const moment = `${sync?.lastSyncAt}:${sync?.reason}:${sync?.master?.at}:${session.generation.value}`
  useEffect(() => {
    if (!active) {
      setDevices(undefined)
      return
    }
    let alive = true
    session
      .call('devices')
      .then((list) => {
        if (!alive) return
        setDevices(list)
        setError(undefined)
      })
      .catch((e: unknown) => {
        if (alive) setError(errorMessage(e))
      })
    return () => {
      alive = false
    }
  }, [session, active, moment])
  if (!active) return null
  return (
    <section class="card" aria-labelledby="pool-devices-title">
      <h2 class="card-title" id="pool-devices-title">
        Devices in the sync pool
      </h2>
      {error && <p class="small field-error">{error}</p>}
      {!devices && !error && <p class="small muted">Loading…</p>}
      {devices && (
        <ul class="devices" data-testid="pool-devices">
          {devices.map((d) => (
            <li key={d.deviceId} data-device={d.name} data-device-state={d.state}>
              <span class="ico">
                <Icon name={d.isThisDevice ? 'phone' : 'laptop'} />
              </span>
              <span style={{ flex: 1 }}>
                {d.name}
                {d.isThisDevice && <span class="small muted"> (this device)</span>}
                <span class="small muted block">{d.platform}</span>
              </span>
              <span class="small device-state">
                <span class={`state-${d.state}`}>{deviceStateWords(d)}</span>
                <span class="muted block">
                  {d.state === 'off' ? 'last seen' : 'seen'} {formatAgo(d.lastSeen)}
                </span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
