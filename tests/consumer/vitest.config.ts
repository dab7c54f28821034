import { fileURLToPath } from 'node:url'
import { defineProject } from 'vitest/config'

/**
 * The consumer test: the published packages packed, installed with npm into a fresh project
 * outside the workspace, and used there (plain Node, tsc, esbuild + Chromium). It runs alone
 * (scripts/run-tests.mjs): packing, installing and the browser need the machine to themselves.
 * Chromium comes from the browser tests' global setup.
 */
export default defineProject({
  test: {
    name: 'consumer',
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['consumer.test.ts'],
    globalSetup: ['../../packages/demo-app/test/e2e/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 900_000,
  },
})
