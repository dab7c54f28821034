import { defineProject } from 'vitest/config'

export default defineProject({
  test: { name: 'tabs', include: ['test/**/*.test.ts'], exclude: ['test/browser/**'], testTimeout: 30_000 },
})
