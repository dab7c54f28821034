/**
 * The status banner under the top bar of every screen, kept in view while the screen scrolls: one
 * line saying what sync is doing (the engine's sentence, in the diary's words), the button that
 * fixes what needs fixing right where it stands, and, one tap on the line away, the whole sentence
 * with the technical detail. "Up to date" shows briefly; any message can be dismissed until it
 * changes.
 */
import { useEffect, useState } from 'preact/hooks'
import { go } from '../app/router.ts'
import { useSession } from '../app/session.ts'
import type { DeviceView } from '../device/device-api.ts'
import { useDownloadMaster } from './download-master.tsx'

/** How long "Up to date" stays after a sync (ms). */
const OK_VISIBLE_MS = 4000

/** What the banner's button does. */
export type BannerAction =
  | 'download-master'
  | 'enter-passphrase'
  | 'link-dropbox'
  | 'open-sync'
  | 'open-backups'

/** The banner's buttons: the visible label (short, it shares one line) and the accessible name. */
export const BANNER_ACTIONS: Record<BannerAction, { label: string; name: string }> = {
  'download-master': { label: 'Download', name: 'Download Master DB to Device' },
  'enter-passphrase': { label: 'Enter passphrase', name: 'Enter passphrase' },
  'link-dropbox': { label: 'Link Dropbox', name: 'Link Dropbox' },
  'open-sync': { label: 'Open', name: 'Open Device Sync Services' },
  'open-backups': { label: 'Backups', name: 'Backups on this device' },
}

/** What the banner shows. */
export interface BannerView {
  /** Colour: info (blue), ok (green), warn (amber), error (red). */
  kind: 'info' | 'ok' | 'warn' | 'error'
  /** The message. */
  text: string
  /** The technical side, for the details (the engine's detail, a retry in progress). */
  details: string[]
  /** A spinner for work in progress. */
  busy?: boolean
  /** A progress bar, 0–1. */
  progress?: number
  /** The button that fixes the problem. */
  action?: BannerAction
}

/** Chooses the banner for a device state; `undefined` for none. */
export function bannerFor(state: DeviceView | undefined): BannerView | undefined {
  if (!state) return undefined
  if (state.task) {
    const { label, done, total } = state.task
    return {
      kind: 'info',
      text: `${label}… ${done.toLocaleString()} of ${total.toLocaleString()}`,
      details: [],
      busy: true,
      progress: total ? done / total : 0,
    }
  }
  const s = state.sync
  const progress = s.progress && s.progress.total > 0 ? s.progress.done / s.progress.total : undefined
  const text = s.progress
    ? `${s.message} (${s.progress.phase} ${s.progress.done} of ${s.progress.total})`
    : s.message
  const details = [
    ...(s.detail ? [`Detail: ${s.detail}`] : []),
    ...(state.retry ? [`Retrying: ${state.retry}`] : []),
  ]
  const backups = s.notes?.some((n) => n.kind === 'edits-kept') ? { action: 'open-backups' as const } : {}
  switch (s.state) {
    case 'syncing':
      return { kind: 'info', text, details, busy: true, ...(progress !== undefined ? { progress } : {}) }
    case 'offline':
      return { kind: 'warn', text, details, ...backups }
    case 'error':
      return {
        kind: 'error',
        text,
        details,
        action: state.needsPassphrase
          ? 'enter-passphrase'
          : s.action === 'link-dropbox'
            ? 'link-dropbox'
            : 'open-sync',
      }
    case 'needs-master':
      return { kind: 'warn', text, details, action: 'download-master' }
    case 'inactive':
      return s.reason === 'off' ? undefined : { kind: 'warn', text, details }
    case 'idle':
      return s.pending > 0 || backups.action
        ? { kind: 'info', text, details, ...backups }
        : { kind: 'ok', text, details }
  }
}

/** The banner of this tab. */
export function Banner() {
  const session = useSession()
  const view = bannerFor(session.state.value)
  const download = useDownloadMaster()
  const [dismissed, setDismissed] = useState<string | undefined>(undefined)
  const [open, setOpen] = useState(false)
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
  const hidden = !view || dismissed === view.text || (view.kind === 'ok' && okUntil === 0)
  const act = (action: BannerAction) => {
    if (action === 'download-master') download.ask()
    else if (action === 'enter-passphrase') session.askPassphrase.value = true
    else if (action === 'link-dropbox') go({ name: 'cloud' })
    else if (action === 'open-backups') go({ name: 'backup' })
    else go({ name: 'sync' })
  }
  return (
    <>
      {!hidden && view && (
        <div class={`banner ${view.kind}`} data-testid="status-banner">
          <div class="banner-line">
            {(view.busy || download.busy) && <span class="spinner" aria-hidden="true" />}
            <button
              type="button"
              class="banner-text"
              aria-expanded={open}
              {...(open ? { 'aria-controls': 'banner-details' } : {})}
              onClick={() => setOpen(!open)}
            >
              <span class="line" role="status" aria-live="polite">
                {view.text}
              </span>
            </button>
            {view.action && (
              <button
                type="button"
                class="action"
                aria-label={BANNER_ACTIONS[view.action].name}
                disabled={download.busy}
                onClick={() => act(view.action as BannerAction)}
              >
                {BANNER_ACTIONS[view.action].label}
              </button>
            )}
            <button type="button" class="close" aria-label="Dismiss" onClick={() => setDismissed(view.text)}>
              ×
            </button>
          </div>
          {view.progress !== undefined && (
            <div
              class="progress"
              role="progressbar"
              aria-label="Progress"
              aria-valuenow={Math.round(view.progress * 100)}
              aria-valuemin={0}
              aria-valuemax={100}
            >
              <div style={{ width: `${Math.round(view.progress * 100)}%` }} />
            </div>
          )}
          {open && (
            <div class="banner-details" id="banner-details" data-testid="banner-details">
              <p>{view.text}</p>
              {view.details.map((d) => (
                <p key={d} class="tech">
                  {d}
                </p>
              ))}
            </div>
          )}
          {download.error && (
            <p class="banner-error" role="alert">
              {download.error}
            </p>
          )}
        </div>
      )}
      {download.dialogs}
    </>
  )
}
