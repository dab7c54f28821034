/** Hash routing: `#/`, `#/new`, `#/entry/<id>`, `#/report`, `#/settings/...`. The query string keeps the device. */
import { signal } from '@preact/signals'

/** A parsed route. */
export type Route =
  | { name: 'diary' }
  /** A new entry: nothing exists until the person enters something. */
  | { name: 'new' }
  | { name: 'entry'; id: string }
  | { name: 'report' }
  | { name: 'settings' }
  | { name: 'cloud' }
  | { name: 'sync' }
  | { name: 'backup' }

/** Parses `location.hash`. Unknown hashes show the diary. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent)
  const [a, b, c] = parts
  if (a === 'entry' && b) return { name: 'entry', id: b }
  if (a === 'new') return { name: 'new' }
  if (a === 'report') return { name: 'report' }
  if (a === 'settings' && b === 'cloud' && c === 'sync') return { name: 'sync' }
  if (a === 'settings' && b === 'cloud') return { name: 'cloud' }
  if (a === 'settings' && b === 'backup') return { name: 'backup' }
  if (a === 'settings') return { name: 'settings' }
  return { name: 'diary' }
}

/** The hash of a route. */
export function routeHash(route: Route): string {
  switch (route.name) {
    case 'diary':
      return '#/'
    case 'new':
      return '#/new'
    case 'entry':
      return `#/entry/${encodeURIComponent(route.id)}`
    case 'report':
      return '#/report'
    case 'settings':
      return '#/settings'
    case 'cloud':
      return '#/settings/cloud'
    case 'sync':
      return '#/settings/cloud/sync'
    case 'backup':
      return '#/settings/backup'
  }
}

/** The current route, following `hashchange`. */
export const route = signal<Route>(parseRoute(globalThis.location?.hash ?? ''))

if (globalThis.addEventListener) {
  globalThis.addEventListener('hashchange', () => {
    route.value = parseRoute(location.hash)
  })
}

/** Navigates to a route. */
export function go(to: Route): void {
  const hash = routeHash(to)
  if (location.hash === hash) route.value = to
  else location.hash = hash
}
