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

/** The devices of the pool with their last-seen times (while sync is on). */
export function PoolDevices() {
  const session = useSession()
  const sync = session.state.value?.sync
  const active = sync !== undefined && sync.state !== 'inactive'
  const [devices, setDevices] = useState<PoolDevice[] | undefined>(undefined)
  const [error, setError] = useState<string | undefined>(undefined)
  const stamp = sync?.lastSyncAt
  useEffect(() => {
    if (!active) return
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
  }, [session, active, stamp])
  if (!active) return null
  return (
    <div class="card">
      <b>Devices in the sync pool</b>
      {error && (
        <p class="small" style={{ color: 'var(--danger)' }}>
          {error}
        </p>
      )}
      {!devices && !error && <p class="small muted">Loading…</p>}
      {devices && (
        <ul class="devices" data-testid="pool-devices">
          {devices.map((d) => (
            <li key={d.deviceId}>
              <span class="ico">
                <Icon name={d.isThisDevice ? 'phone' : 'laptop'} />
              </span>
              <span style={{ flex: 1 }}>
                {d.name}
                {d.isThisDevice && <span class="small muted"> (this device)</span>}
                <div class="small muted">{d.platform}</div>
              </span>
              <span class="small muted">seen {formatAgo(d.lastSeen)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
