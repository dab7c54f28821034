import { defineProject } from 'vitest/config'
import { sourceConditions } from '../../source-conditions.ts'

export default defineProject({
  ...sourceConditions,
  test: { name: 'dropbox-emulator', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
})
