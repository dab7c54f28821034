import { defineProject } from 'vitest/config'
import { sourceConditions } from '../../source-conditions.ts'

export default defineProject({
  ...sourceConditions,
  test: { name: 'core', include: ['test/**/*.test.ts'], testTimeout: 30_000 },
})
