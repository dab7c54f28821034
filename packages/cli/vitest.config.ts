import { defineProject } from 'vitest/config'
import { sourceConditions } from '../../source-conditions.ts'

export default defineProject({
  ...sourceConditions,
  test: { name: 'cli', include: ['test/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 300_000 },
})
