/**
 * Launches the Chromium that the global setup (global-setup.ts) found or installed, headless, with
 * the flags a run as root on a machine without a display needs. Shared by the demo's browser tests
 * and the consumer test (tests/consumer).
 */
import { type Browser, chromium } from 'playwright-core'
import { inject } from 'vitest'

/** Chromium flags for a headless, offline-friendly run as root. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Starts headless Chromium (the executable the global setup provided). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: inject('chromiumPath'), headless: true, args: CHROMIUM_ARGS })
}
