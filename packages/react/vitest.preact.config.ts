import { fileURLToPath } from 'node:url'
import { defineProject } from 'vitest/config'
import { sourceConditions } from '../../source-conditions.ts'

const self = fileURLToPath(new URL('./src/index.ts', import.meta.url))

/** The hooks under Preact, as an app that aliases `react` to `preact/compat` runs them. */
export default defineProject({
  ...sourceConditions,
  resolve: {
    ...sourceConditions.resolve,
    alias: { react: 'preact/compat', 'react-dom': 'preact/compat', '@y-dropbox/react': self },
  },
  test: {
    name: 'react-on-preact',
    environment: 'happy-dom',
    include: ['test/preact.test.ts'],
    testTimeout: 30_000,
    server: { deps: { inline: ['@testing-library/preact'] } },
  },
})
