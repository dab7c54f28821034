/**
 * The fetch given to the SDK. The SDK's hosts are hard-coded https Dropbox
 * hosts; to reach the emulator, their origin is replaced by the emulator's.
 * Browser-safe.
 */

/** Origins the SDK and the OAuth pages use. */
const DROPBOX_ORIGINS = [
  'https://api.dropboxapi.com',
  'https://content.dropboxapi.com',
  'https://notify.dropboxapi.com',
  'https://www.dropbox.com',
  'https://dropbox.com',
]

/** Where requests go and how they are tagged. */
export interface DropboxFetchOptions {
  /** The underlying fetch. Default: the global one. */
  fetch?: typeof fetch
  /** Base URL of a y-dropbox emulator (`http://127.0.0.1:8787`); absent: real Dropbox. */
  emulatorUrl?: string
  /** Sent as `X-Emulator-Client` on every request (emulator only). */
  clientTag?: string
}

/** `url` with a Dropbox origin replaced by `emulatorUrl`; other URLs unchanged. */
export function toEmulatorUrl(url: string, emulatorUrl: string): string {
  const base = emulatorUrl.replace(/\/+$/, '')
  for (const origin of DROPBOX_ORIGINS) {
    if (url === origin || url.startsWith(`${origin}/`) || url.startsWith(`${origin}?`)) {
      return base + url.slice(origin.length)
    }
  }
  return url
}

/** A fetch for the SDK: the given (or global) one, redirected to the emulator when `emulatorUrl` is set. */
export function dropboxFetch(options: DropboxFetchOptions = {}): typeof fetch {
  const base: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const { emulatorUrl, clientTag } = options
  if (!emulatorUrl) return base
  return (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const target = toEmulatorUrl(url, emulatorUrl)
    if (clientTag === undefined) return base(target, init)
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined))
    headers.set('X-Emulator-Client', clientTag)
    return base(target, { ...init, headers })
  }
}
