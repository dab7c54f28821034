/**
 * The status banner along the top of every screen: what sync is doing (uploading, up to date,
 * offline, rate limited and retrying, new master available, a passphrase to enter, errors with what
 * to do) and progress of long work. Unobtrusive: "Up to date" shows briefly; any message can be dismissed until it
 * changes.
 */
import { useEffect, useState } from 'preact/hooks'
import { go } from '../app/router.ts'
import { useSession } from '../app/session.ts'
import type { DeviceState } from '../device/device-api.ts'

/** How long "Up to date" stays after a sync (ms). */
const OK_VISIBLE_MS = 4000

/** What the banner shows. */
export interface BannerView {
  /** Colour: info (blue), ok (green), warn (amber), error (red). */
  kind: 'info' | 'ok' | 'warn' | 'error'
  /** The message. */
  text: string
  /** A spinner for work in progress. */
  busy?: boolean
  /** A progress bar, 0–1. */
  progress?: number
  /** A button that goes where the problem is fixed. */
  action?: { label: string; run: () => void }
}

/**
 * Chooses the banner for a device state; `undefined` for none. `askPassphrase` opens the passphrase
 * request when sync waits for it (default: go to Device Sync Services).
 */
export function bannerFor(
  state: DeviceState | undefined,
  askPassphrase: () => void = () => go({ name: 'sync' }),
): BannerView | undefined {
  if (!state) return undefined
  if (state.task) {
    const { label, done, total } = state.task
    return {
      kind: 'info',
      text: `${label}… ${done.toLocaleString()} of ${total.toLocaleString()}`,
      busy: true,
      progress: total ? done / total : 0,
    }
  }
  const s = state.sync
  const progress = s.progress && s.progress.total > 0 ? s.progress.done / s.progress.total : undefined
  const text = s.progress
    ? `${s.message} (${s.progress.phase} ${s.progress.done} of ${s.progress.total})`
    : s.message
  const toSync = { label: 'Open Device Sync', run: () => go({ name: 'sync' }) }
  switch (s.state) {
    case 'syncing':
      if (state.notice) return { kind: 'warn', text: state.notice, busy: true }
      return { kind: 'info', text, busy: true, ...(progress !== undefined ? { progress } : {}) }
    case 'offline':
      return { kind: 'warn', text }
    case 'error':
      return {
        kind: 'error',
        text,
        action: state.needsPassphrase ? { label: 'Enter passphrase', run: askPassphrase } : toSync,
      }
    case 'needs-master':
      return {
        kind: 'warn',
        text,
        action: { label: 'Download Master DB to Device', run: () => go({ name: 'sync' }) },
      }
    case 'inactive':
      return s.reason === 'off' ? undefined : { kind: 'warn', text: s.message }
    case 'idle':
      return s.pending > 0 ? { kind: 'info', text: s.message } : { kind: 'ok', text: s.message }
  }
}

/** The banner of this tab. */
export function Banner() {
  const session = useSession()
  const view = bannerFor(session.state.value, () => {
    session.askPassphrase.value = true
  })
  const [dismissed, setDismissed] = useState<string | undefined>(undefined)
  const [okUntil, setOkUntil] = useState(0)
  const text = view?.text
  const kind = view?.kind
  useEffect(() => {
    if (kind !== 'ok') return
    const until = Date.now() + OK_VISIBLE_MS
    setOkUntil(until)
    const timer = setTimeout(() => setOkUntil(0), OK_VISIBLE_MS)
    return () => clearTimeout(timer)
  }, [kind, text, session.state.value?.sync.lastSyncAt])
  if (!view || dismissed === view.text) return null
  if (view.kind === 'ok' && okUntil === 0) return null
  return (
    <div class={`banner ${view.kind}`} role="status" aria-live="polite" data-testid="status-banner">
      {view.busy && <span class="spinner" aria-hidden="true" />}
      <div class="text">
        {view.text}
        {view.progress !== undefined && (
          <div
            class="progress"
            role="progressbar"
            aria-valuenow={Math.round(view.progress * 100)}
            aria-valuemin={0}
            aria-valuemax={100}
          >
            <div style={{ width: `${Math.round(view.progress * 100)}%` }} />
          </div>
        )}
      </div>
      {view.action && (
        <button type="button" class="action" onClick={view.action.run}>
          {view.action.label}
        </button>
      )}
      <button type="button" class="close" aria-label="Dismiss" onClick={() => setDismissed(view.text)}>
        ×
      </button>
    </div>
  )
}
