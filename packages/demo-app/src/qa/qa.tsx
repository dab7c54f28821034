/**
 * The QA page: several simulated devices side by side (one frame each; a device listed twice is
 * two tabs of that device), with per-device "offline" switches and Dropbox tools when the
 * emulator is in use. `?devices=phone,tablet,laptop` picks the frames; `?push=` and `?poll=` pass
 * on to every frame.
 */
import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { profileUrl } from '../app/profile.ts'
import { PoolHealth } from './pool-health.tsx'
import './qa.css'

const here = new URL(location.href)
const devices = (here.searchParams.get('devices') ?? 'phone,tablet,laptop')
  .split(',')
  .map((d) => d.trim().toLowerCase())
  .filter((d) => /^[a-z0-9][a-z0-9-]{0,31}$/.test(d))
const emulator = !import.meta.env.VITE_DROPBOX_APP_KEY

async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`/__emulator/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  })
  if (!res.ok) throw new Error(`The emulator answered ${res.status} to ${method} /__emulator/${path}`)
  return res.json()
}

function QaPage() {
  const [files, setFiles] = useState<number | undefined>(undefined)
  useEffect(() => {
    if (!emulator) return
    const tick = () =>
      admin('GET', 'files')
        .then((list) => setFiles((list as unknown[]).length))
        .catch(() => setFiles(undefined))
    void tick()
    const timer = setInterval(() => void tick(), 3000)
    return () => clearInterval(timer)
  }, [])
  const resetDropbox = async () => {
    if (!confirm('Delete every file in the emulated Dropbox? Devices keep their diaries.')) return
    await admin('POST', 'reset')
  }
  return (
    <>
      <header class="qa-head">
        <h1>Pain Diary · devices side by side</h1>
        {emulator ? (
          <>
            <span class="qa-note">Emulated Dropbox: {files === undefined ? '…' : `${files} files`}</span>
            <a href="/__emulator/files" target="_blank" rel="noreferrer">
              List files
            </a>
            <button type="button" onClick={() => void resetDropbox()}>
              Empty Dropbox
            </button>
          </>
        ) : (
          <span class="qa-note">Real Dropbox</span>
        )}
      </header>
      {emulator && <PoolHealth />}
      <div class="qa-grid">
        {devices.map((device, i) => (
          <DeviceFrame key={`${device}-${i}`} device={device} second={devices.indexOf(device) !== i} />
        ))}
      </div>
    </>
  )
}

function DeviceFrame({ device, second }: { device: string; second: boolean }) {
  const [offline, setOffline] = useState<string | undefined>(undefined)
  const src = profileUrl(new URL('/', here), device)
  const toggle = async () => {
    if (offline) {
      await admin('DELETE', `faults?id=${encodeURIComponent(offline)}`)
      setOffline(undefined)
    } else {
      const { id } = (await admin('POST', 'faults', { client: device, fault: 'offline' })) as { id: string }
      setOffline(id)
    }
  }
  return (
    <section class="qa-frame">
      <div class="qa-frame-head">
        <b>
          {device}
          {second ? ' (second tab)' : ''}
        </b>
        {emulator && !second && (
          <button
            type="button"
            class={offline ? 'offline' : ''}
            onClick={() => void toggle()}
            aria-pressed={!!offline}
          >
            {offline ? 'Offline · reconnect' : 'Go offline'}
          </button>
        )}
        <a href={src} target="_blank" rel="noreferrer">
          Open ↗
        </a>
      </div>
      <iframe title={`Pain Diary on ${device}`} src={src} />
    </section>
  )
}

const root = document.getElementById('qa')
if (root) render(<QaPage />, root)
