/**
 * Points Dropbox clients at an emulator by rewriting Dropbox's hosts in request URLs.
 * Browser-safe: this module imports nothing from Node.
 *
 * @module @y-dropbox/dropbox-emulator/fetch
 */

/** Origins of the Dropbox API v2 hosts, each served by the emulator on one port. */
export const DROPBOX_ORIGINS: readonly string[] = [
  'https://api.dropboxapi.com',
  'https://content.dropboxapi.com',
  'https://notify.dropboxapi.com',
  'https://www.dropbox.com',
  'https://dropbox.com',
]

/** Options of {@link emulatorFetch}. */
export interface EmulatorFetchOptions {
  /**
   * Sent as the `X-Emulator-Client` header on every request, so fault rules with a `client`
   * can target this simulated device only. Absent: no header is added.
   */
  client?: string
}

/**
 * Returns `url` with a Dropbox origin (`https://api.dropboxapi.com`, `content.`, `notify.`,
 * `www.dropbox.com`) replaced by `emulatorUrl`; any other URL is returned unchanged.
 */
export function rewriteDropboxUrl(url: string, emulatorUrl: string): string {
  const base = emulatorUrl.replace(/\/+$/, '')
  for (const origin of DROPBOX_ORIGINS) {
    if (url === origin || url.startsWith(`${origin}/`) || url.startsWith(`${origin}?`)) {
      return base + url.slice(origin.length)
    }
  }
  return url
}

/**
 * Returns a `fetch` that sends Dropbox API requests to the emulator at `emulatorUrl` instead.
 * Pass it to the official SDK: `new Dropbox({ accessToken, fetch: emulatorFetch(url) })`.
 *
 * @param emulatorUrl - the emulator's base URL, e.g. `http://127.0.0.1:8787`
 * @param baseFetch - the fetch that does the work (default: the global `fetch`)
 * @param options - see {@link EmulatorFetchOptions}
 */
export function emulatorFetch(
  emulatorUrl: string,
  baseFetch: typeof fetch = (input, init) => globalThis.fetch(input, init),
  options: EmulatorFetchOptions = {},
): typeof fetch {
  return (input, init) => {
    let target: string | URL | Request
    if (typeof input === 'string') target = rewriteDropboxUrl(input, emulatorUrl)
    else if (input instanceof URL) target = new URL(rewriteDropboxUrl(input.href, emulatorUrl))
    else {
      const rewritten = rewriteDropboxUrl(input.url, emulatorUrl)
      target = rewritten === input.url ? input : new Request(rewritten, input)
    }
    if (options.client === undefined) return baseFetch(target, init)
    const headers = new Headers(init?.headers ?? (target instanceof Request ? target.headers : undefined))
    headers.set('X-Emulator-Client', options.client)
    return baseFetch(target, { ...init, headers })
  }
}
