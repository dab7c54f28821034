import { defineProject } from 'vitest/config'
import { sourceConditions } from '../../source-conditions.ts'

export default defineProject({
  ...sourceConditions,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    name: 'demo-app',
    environment: 'node',
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', '**/node_modules/**'],
    testTimeout: 30_000,
  },
})
