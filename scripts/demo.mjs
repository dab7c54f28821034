#!/usr/bin/env node
// `npm run demo`: starts the Dropbox emulator (files kept in .demo-data/emulator) and the pain diary
// (Vite dev server), then prints one address per simulated device and the QA page that shows them
// side by side. Ctrl-C stops both. With VITE_DROPBOX_APP_KEY set, the app links real Dropbox
// accounts and the emulator is not started.
import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { tsImport } from 'tsx/esm/api'

const root = new URL('..', import.meta.url).pathname
const appDir = join(root, 'packages', 'demo-app')
const DEVICES = ['phone', 'tablet', 'laptop']
const EMULATOR_PORT = Number(process.env.EMULATOR_PORT ?? 8787)
const APP_PORT = Number(process.env.PORT ?? 5173)

/**
 * Starts the emulator on `port`, or on the next free port of the ten after it, or on any free port.
 * (The emulator locks its data folder: a second demo on the same folder stops with a clear message.)
 */
async function startEmulatorNear(startEmulator, port, dataDir) {
  for (let p = port; p < port + 10; p++) {
    try {
      return await startEmulator({ port: p, dataDir, admin: true })
    } catch (error) {
      if (error?.code !== 'EADDRINUSE') throw error
    }
  }
  return startEmulator({ port: 0, dataDir, admin: true })
}

async function main() {
  let emulator
  if (process.env.VITE_DROPBOX_APP_KEY) {
    console.log('VITE_DROPBOX_APP_KEY is set: devices link real Dropbox accounts; no emulator started.')
  } else {
    const dataDir = join(root, '.demo-data', 'emulator')
    mkdirSync(dataDir, { recursive: true })
    const { startEmulator } = await tsImport(
      pathToFileURL(join(root, 'packages', 'dropbox-emulator', 'src', 'index.ts')).href,
      import.meta.url,
    )
    emulator = await startEmulatorNear(startEmulator, EMULATOR_PORT, dataDir)
    process.env.VITE_EMULATOR_URL = emulator.url
  }

  // Vite belongs to the demo app: load it from there.
  const requireFromApp = createRequire(join(appDir, 'package.json'))
  const { createServer } = await import(pathToFileURL(requireFromApp.resolve('vite')).href)
  const server = await createServer({
    configFile: join(appDir, 'vite.config.ts'),
    server: { port: APP_PORT, strictPort: false },
    clearScreen: false,
  })
  await server.listen()
  const address = server.httpServer.address()
  const base = `http://localhost:${typeof address === 'object' && address ? address.port : APP_PORT}`

  console.log('\nPain Diary demo is running.\n')
  for (const device of DEVICES) console.log(`  ${device.padEnd(7)} ${base}/?device=${device}`)
  console.log(`\n  QA page (all devices side by side): ${base}/qa.html`)
  if (emulator) {
    console.log(
      `  Dropbox emulator: ${emulator.url} (files in .demo-data/emulator; list: ${emulator.url}/__emulator/files)`,
    )
  }
  console.log('\nPress Ctrl-C to stop.\n')

  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    console.log('\nStopping…')
    await Promise.allSettled([server.close(), emulator?.close()])
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}

main().catch((error) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
