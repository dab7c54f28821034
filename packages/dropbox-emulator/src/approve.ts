/**
 * Playing the user on the emulator's approve page without a browser, for
 * tests of apps that link to Dropbox with OAuth (PKCE or not).
 */
import { unescapeHtml } from './html.ts'

const HIDDEN_INPUT = /<input type="hidden" name="([^"]*)" value="([^"]*)">/g

/**
 * Loads the approve page at `authorizeUrl` (an emulator URL: see
 * `rewriteDropboxUrl`), presses Allow (or Cancel) and returns where the
 * emulator redirects: the app's redirect URI with `code` and `state`, or with
 * `error=access_denied`. Throws when the page or its answer is not what the
 * emulator serves (an invalid request shows an error page instead).
 *
 * @example
 * ```ts
 * const url = await beginBrowserLink({ appKey, redirectUri, storage, emulatorUrl: emulator.url })
 * const back = await approveLink(url) // https://app.example/callback?code=…&state=…
 * ```
 */
export async function approveLink(
  authorizeUrl: string,
  decision: 'allow' | 'deny' = 'allow',
): Promise<string> {
  const page = await fetch(authorizeUrl)
  const html = await page.text()
  if (page.status !== 200 || !html.includes('id="allow"')) {
    throw new Error(`${authorizeUrl} is not the emulator's approve page (HTTP ${page.status})`)
  }
  const form = new URLSearchParams()
  for (const [, name, value] of html.matchAll(HIDDEN_INPUT))
    form.set(unescapeHtml(name!), unescapeHtml(value!))
  form.set('decision', decision)
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? '/oauth2/authorize'
  const answer = await fetch(new URL(action, authorizeUrl), {
    method: 'POST',
    body: form,
    redirect: 'manual',
  })
  const location = answer.headers.get('location')
  if (answer.status !== 302 || !location) {
    throw new Error(`the approve page answered HTTP ${answer.status}, not a redirect back to the app`)
  }
  return location
}
