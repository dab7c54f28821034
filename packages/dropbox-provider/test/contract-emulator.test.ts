import type { Emulator } from '@y-dropbox/dropbox-emulator'
import { runBlobStoreContract } from '@y-dropbox/testing'
import { afterAll, beforeAll, describe } from 'vitest'
import { emulatorStore, startTestEmulator } from './helpers/emulator.ts'

describe('DropboxBlobStore over the emulator', () => {
  let emulator: Emulator
  beforeAll(async () => {
    emulator = await startTestEmulator()
  })
  afterAll(() => emulator.close())

  runBlobStoreContract('Dropbox over the emulator', async () => {
    const { store } = await emulatorStore(emulator)
    return { store, reopen: async () => (await emulatorStore(emulator)).store }
  })
})

describe('DropboxBlobStore over the emulator with faults', () => {
  let emulator: Emulator
  beforeAll(async () => {
    emulator = await startTestEmulator({ seed: 7 })
    // Everywhere but the token endpoint, so a store's first call is not also its first refresh.
    const route = /^(?!oauth2)/
    emulator.faults.add({ route, fault: 'server-error', probability: 0.2 })
    emulator.faults.add({ route, fault: 'rate-limit', retryAfterSeconds: 0, probability: 0.1 })
    emulator.faults.add({ route, fault: 'rate-limit', retryAfterSeconds: 1, nextN: 2 })
    emulator.faults.add({ route, fault: 'drop', probability: 0.05 })
    emulator.faults.add({
      route: /^files\/(upload|delete)/,
      fault: 'write-lock-409',
      retryAfterSeconds: 0,
      probability: 0.1,
    })
    emulator.faults.add({ route, fault: 'server-error', status: 503, probability: 0.05 })
  })
  afterAll(() => emulator.close())

  runBlobStoreContract(
    'Dropbox over the emulator with 500s, 429s, drops and write-lock 409s',
    async () => {
      const { store } = await emulatorStore(emulator, { listPageSize: 25 })
      return { store, reopen: async () => (await emulatorStore(emulator, { listPageSize: 25 })).store }
    },
    { manyFiles: 120 },
  )
})
