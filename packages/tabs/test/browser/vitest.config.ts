import { fileURLToPath } from 'node:url'
import { defineProject } from 'vitest/config'
import { sourceConditions } from '../../../../source-conditions.ts'

/**
 * Real tabs in Chromium (found or installed by scripts/ensure-chromium.mjs, through the demo's
 * browser-test setup) against a Dropbox emulator: run with the browser suites, one file at a time.
 */
export default defineProject({
  ...sourceConditions,
  test: {
    name: 'tabs-browser',
    root: fileURLToPath(new URL('.', import.meta.url)),
    environment: 'node',
    include: ['**/*.browser.test.ts'],
    globalSetup: ['../../../demo-app/test/e2e/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
})
