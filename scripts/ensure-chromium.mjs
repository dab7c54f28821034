#!/usr/bin/env node
// Finds a Chromium for the browser end-to-end tests, installing Debian's package when there is none.
// Order: $CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser, then `apt-get install chromium`
// (Playwright's own browser download is not used: its servers may be out of reach).
// Prints the executable's path on stdout; exits non-zero with a message saying what to do when no
// Chromium can be found or installed. Never skips.
import { spawnSync } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { pathToFileURL } from 'node:url'

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser']

function executable(path) {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

function run(cmd, args) {
  // Progress goes to stderr so that stdout carries only the path.
  const r = spawnSync(cmd, args, {
    stdio: ['ignore', 2, 2],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
  if (r.error) return `${cmd} could not start: ${r.error.message}`
  if (r.status !== 0) return `${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`
  return undefined
}

/**
 * Returns the path of a runnable Chromium, installing Debian's `chromium` package with apt-get when
 * none is present. Throws an Error that says what to do when that is impossible.
 */
export function ensureChromium() {
  const fromEnv = process.env.CHROMIUM_PATH
  if (fromEnv) {
    if (executable(fromEnv)) return fromEnv
    throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, which is not an executable file; fix or unset it`)
  }
  const found = CANDIDATES.find(executable)
  if (found) return found
  console.error('Chromium not found; installing Debian package "chromium" with apt-get (needs root)...')
  const failure =
    run('apt-get', ['update']) ?? run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'])
  const installed = CANDIDATES.find(executable)
  if (installed) return installed
  throw new Error(
    `No Chromium for the browser tests: ${failure ?? 'apt-get finished but no chromium binary appeared'}. ` +
      'Install it (apt-get install chromium) or set CHROMIUM_PATH to a Chromium executable.',
  )
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    console.log(ensureChromium())
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    process.exit(1)
  }
}
