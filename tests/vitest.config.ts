import { defineProject } from 'vitest/config'
import { sourceConditions } from '../source-conditions.ts'

export default defineProject({
  ...sourceConditions,
  test: {
    name: 'tests',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'consumer/**'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
})
