import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { sourceConditions } from '../../source-conditions.ts'

/**
 * Vite configuration of the demo app. JSX is compiled by Oxc for Preact. The emulator's URL reaches
 * the app as `import.meta.env.VITE_EMULATOR_URL` (set by `npm run demo` and the browser tests), and
 * `/__emulator/*` (its admin endpoints, used by the QA page) is proxied to it. With
 * `VITE_DROPBOX_APP_KEY` set the app links real Dropbox accounts. Workspace packages resolve to their
 * TypeScript sources (the `source` export condition): the demo needs no build of them.
 */
const emulatorUrl = process.env.VITE_EMULATOR_URL

export default defineConfig({
  ...sourceConditions,
  root: fileURLToPath(new URL('.', import.meta.url)),
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  server: {
    host: '127.0.0.1',
    ...(emulatorUrl ? { proxy: { '/__emulator': { target: emulatorUrl, changeOrigin: true } } } : {}),
  },
  build: {
    rollupOptions: {
      input: {
        app: fileURLToPath(new URL('index.html', import.meta.url)),
        qa: fileURLToPath(new URL('qa.html', import.meta.url)),
      },
    },
  },
})
