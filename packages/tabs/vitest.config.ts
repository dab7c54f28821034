import { defineProject } from 'vitest/config'
import { sourceConditions } from '../../source-conditions.ts'

export default defineProject({
  ...sourceConditions,
  test: { name: 'tabs', include: ['test/**/*.test.ts'], exclude: ['test/browser/**'], testTimeout: 30_000 },
})
