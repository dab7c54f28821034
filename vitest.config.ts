import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: ['packages/*', 'packages/react/vitest.preact.config.ts', 'tests'],
  },
})
