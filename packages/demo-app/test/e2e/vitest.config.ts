import { fileURLToPath } from 'node:url'
import { defineProject } from 'vitest/config'
import { sourceConditions } from '../../../../source-conditions.ts'

/**
 * Browser end-to-end tests: real Chromium (found or installed by scripts/ensure-chromium.mjs in the
 * global setup) driven by playwright-core against the app's Vite server and a Dropbox emulator that
 * each test file starts on free ports.
 */
export default defineProject({
  ...sourceConditions,
  test: {
    name: 'demo-app-e2e',
    root: fileURLToPath(new URL('.', import.meta.url)),
    environment: 'node',
    include: ['**/*.e2e.test.ts'],
    globalSetup: ['./global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Browsers are heavy on a small machine: one file at a time.
    fileParallelism: false,
  },
})
