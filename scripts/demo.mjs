#!/usr/bin/env node
// `npm run demo`: starts the Dropbox emulator (files kept in .demo-data/emulator) and the pain diary
// (Vite dev server), then prints one address per simulated device and the QA page that shows them
// side by side. Ctrl-C stops both. With VITE_DROPBOX_APP_KEY set, the app links real Dropbox
// accounts and the emulator is not started.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { tsImport } from 'tsx/esm/api'

const root = new URL('..', import.meta.url).pathname
const appDir = join(root, 'packages', 'demo-app')
const DEVICES = ['phone', 'tablet', 'laptop']
const EMULATOR_PORT = Number(process.env.EMULATOR_PORT ?? 8787)
const APP_PORT = Number(process.env.PORT ?? 5173)

/** Starts the emulator on `port`, or on the next free port of the ten after it, or on any free port. */
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

/**
 * Claims the emulator's data folder for this process (two emulators writing one folder would
 * corrupt it). Returns a function that releases it.
 */
function claimDataDir(dataDir) {
  const lock = `${dataDir}.pid`
  let holder
  try {
    holder = Number(readFileSync(lock, 'utf8'))
  } catch {
    holder = undefined
  }
  if (holder && holder !== process.pid && isRunning(holder)) {
    throw new Error(
      `another demo (process ${holder}) is using ${dataDir}; stop it first (Ctrl-C in its terminal or kill ${holder})`,
    )
  }
  writeFileSync(lock, String(process.pid))
  return () => rmSync(lock, { force: true })
}

function isRunning(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return error?.code === 'EPERM'
  }
}

async function main() {
  let emulator
  let release = () => {}
  if (process.env.VITE_DROPBOX_APP_KEY) {
    console.log('VITE_DROPBOX_APP_KEY is set: devices link real Dropbox accounts; no emulator started.')
  } else {
    const dataDir = join(root, '.demo-data', 'emulator')
    mkdirSync(dataDir, { recursive: true })
    release = claimDataDir(dataDir)
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
    release()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}

main().catch((error) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
