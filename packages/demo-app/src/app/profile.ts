/**
 * The simulated device this page runs as, from the URL: `?device=phone` (default `phone`). Each
 * profile has its own IndexedDB databases, Dropbox link, lock and channel, so several devices run
 * side by side in one browser. `?push=` and `?poll=` set the engine's push delay and poll interval,
 * `?retry=` how long a Dropbox call keeps retrying, in milliseconds (the browser tests use short ones).
 */

/** One simulated device. */
export interface DeviceProfile {
  /** Profile name, `[a-z0-9-]`, e.g. `phone`. */
  device: string
  /** The name other devices see until the user changes it, e.g. `Phone`. */
  defaultName: string
  /** Database of the sync engine. */
  engineDb: string
  /** Database of the Dropbox tokens. */
  tokenDb: string
  /** Debounce between a change and its upload (ms). */
  pushDelayMs: number
  /** Poll interval when the store cannot long-poll (ms). */
  pollIntervalMs: number
  /** How long one Dropbox call keeps retrying before sync reports a failure (ms); default per cloud. */
  maxRetryMs?: number
}

/** Push delay used unless the URL says otherwise (ms). */
export const DEFAULT_PUSH_DELAY_MS = 1000
/** Poll interval used unless the URL says otherwise (ms). */
export const DEFAULT_POLL_INTERVAL_MS = 30_000

/** Reads the profile from a URL's query string. Invalid values fall back to defaults. */
export function profileFromUrl(url: URL): DeviceProfile {
  const raw = (url.searchParams.get('device') ?? 'phone').toLowerCase()
  const device = /^[a-z0-9][a-z0-9-]{0,31}$/.test(raw) ? raw : 'phone'
  return {
    device,
    defaultName: device
      .split('-')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(' '),
    engineDb: `pain-diary:${device}:sync`,
    tokenDb: `pain-diary:${device}:dropbox`,
    pushDelayMs: positive(url.searchParams.get('push'), DEFAULT_PUSH_DELAY_MS),
    pollIntervalMs: positive(url.searchParams.get('poll'), DEFAULT_POLL_INTERVAL_MS),
    ...(url.searchParams.has('retry') ? { maxRetryMs: positive(url.searchParams.get('retry'), 0) } : {}),
  }
}

/** The URL of the app for a profile (keeps timing overrides of the current URL). */
export function profileUrl(base: URL, device: string): string {
  const url = new URL(base.href)
  url.search = ''
  url.hash = ''
  url.searchParams.set('device', device)
  for (const key of ['push', 'poll', 'retry']) {
    const value = base.searchParams.get(key)
    if (value) url.searchParams.set(key, value)
  }
  return url.href
}

function positive(value: string | null, fallback: number): number {
  const n = value === null ? Number.NaN : Number(value)
  return Number.isFinite(n) && n >= 0 ? n : fallback
}
