import { fileURLToPath } from 'node:url'
import { defineProject } from 'vitest/config'
import { sourceConditions } from '../../source-conditions.ts'

const self = fileURLToPath(new URL('./src/index.ts', import.meta.url))

/** The hooks under React; `vitest.preact.config.ts` runs them under Preact. */
export default defineProject({
  ...sourceConditions,
  resolve: { ...sourceConditions.resolve, alias: { '@y-dropbox/react': self } },
  test: {
    name: 'react',
    environment: 'happy-dom',
    include: ['test/react.test.ts', 'test/example.test.ts'],
    testTimeout: 30_000,
  },
})
