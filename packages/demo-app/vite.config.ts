import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'
import { sourceConditions } from '../../source-conditions.ts'

/**
 * Vite configuration of the demo app. JSX is compiled by Oxc for Preact. The emulator's URL reaches
 * the app as `import.meta.env.VITE_EMULATOR_URL` (set by `npm run demo` and the browser tests), and
 * `/__emulator/*` (its admin endpoints, used by the QA page) is proxied to it. With
 * `VITE_DROPBOX_APP_KEY` set the app links real Dropbox accounts. Workspace packages resolve to their
 * TypeScript sources (the `source` export condition): the demo needs no build of them.
 *
 * A built app (`vite build`) is installable and works offline: vite-plugin-pwa writes the web app
 * manifest and a Workbox service worker that precaches every built file, so after the first visit
 * the diary opens and saves with no network (sync waits until Dropbox is reachable again). The dev
 * server serves no service worker: it serves modules on demand, which cannot be precached.
 */
const emulatorUrl = process.env.VITE_EMULATOR_URL

export default defineConfig({
  ...sourceConditions,
  root: fileURLToPath(new URL('.', import.meta.url)),
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: 'script',
      includeAssets: ['icon.svg'],
      manifest: {
        name: 'Pain Diary',
        short_name: 'Pain Diary',
        description: 'A pain diary that keeps your devices in step through Dropbox.',
        theme_color: '#0f766e',
        background_color: '#f4f6f8',
        display: 'standalone',
        start_url: '.',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        // A new version takes over at once, and the first visit is controlled without a reload.
        skipWaiting: true,
        clientsClaim: true,
        navigateFallback: 'index.html',
        // The QA page is its own document; the emulator's admin API is never cached.
        navigateFallbackDenylist: [/^\/qa\.html/, /^\/__emulator\//],
      },
    }),
  ],
  server: {
    host: '127.0.0.1',
    ...(emulatorUrl ? { proxy: { '/__emulator': { target: emulatorUrl, changeOrigin: true } } } : {}),
  },
  preview: {
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
