import { defineProject } from 'vitest/config'

export default defineProject({
  test: { name: 'dropbox-emulator', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
})
