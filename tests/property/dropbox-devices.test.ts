/**
 * The many-device property model again, with every device on its own
 * DropboxBlobStore talking to one Dropbox emulator over loopback, faults
 * injected per device by the emulator (server errors, 429s, dropped
 * connections, write locks, offline).
 */
import { type Emulator, startEmulator } from '@y-dropbox/dropbox-emulator'
import { createDropboxBlobStore } from '@y-dropbox/dropbox-provider'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { command, type ModelEnv, run, tally } from './model.ts'

const RUNS = Number(process.env.DROPBOX_PROPERTY_RUNS ?? (process.env.SOAK ? 300 : 30))
const APP_KEY = 'property-app'

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, seed: 7 })
})
afterAll(async () => {
  await emulator.close()
})

/** One emulator for the whole suite; each run starts from an empty account. */
async function emulatorEnv(): Promise<ModelEnv> {
  await emulator.reset()
  emulator.faults.clear()
  const tag = (i: number) => `device-${i}`
  return {
    async connect(i) {
      const { refreshToken } = emulator.issueTokens({ clientId: APP_KEY })
      return createDropboxBlobStore({
        appKey: APP_KEY,
        refreshToken,
        emulatorUrl: emulator.url,
        clientTag: tag(i),
        // Small budgets so faults reach the engine instead of being retried away.
        maxRetryTimeMs: 300,
        baseDelayMs: 1,
        maxDelayMs: 20,
      })
    },
    async setOffline(i, on) {
      emulator.faults.remove(`offline-${i}`)
      if (on) emulator.faults.add({ id: `offline-${i}`, client: tag(i), fault: 'offline' })
    },
    async setFaults(i, on) {
      for (const kind of ['server-error', 'rate-limit', 'drop', 'write-lock-409'])
        emulator.faults.remove(`${kind}-${i}`)
      if (!on) return
      emulator.faults.add({
        id: `server-error-${i}`,
        client: tag(i),
        probability: 0.1,
        fault: 'server-error',
        status: 503,
      })
      emulator.faults.add({
        id: `rate-limit-${i}`,
        client: tag(i),
        probability: 0.05,
        fault: 'rate-limit',
        retryAfterSeconds: 0,
      })
      emulator.faults.add({ id: `drop-${i}`, client: tag(i), probability: 0.05, fault: 'drop' })
      emulator.faults.add({
        id: `write-lock-409-${i}`,
        client: tag(i),
        route: 'files/upload',
        probability: 0.05,
        fault: 'write-lock-409',
        retryAfterSeconds: 0,
      })
    },
    async paths() {
      return emulator.files().map((f) => f.path)
    },
    async close() {},
  }
}

describe('many devices, each on its own DropboxBlobStore, over one emulator with faults', () => {
  it(`converge and keep every flushed edit (${RUNS} runs)`, async () => {
    for (const key of Object.keys(tally)) delete tally[key]
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc
          .integer({ min: 2, max: 4 })
          .chain((n) =>
            fc.tuple(fc.constant(n), fc.array(command(n), { minLength: 5, maxLength: 30, size: 'max' })),
          ),
        async (seed, [devices, commands]) => run(seed, devices, commands, await emulatorEnv()),
      ),
      {
        numRuns: RUNS,
        verbose: 1,
        ...(process.env.PROPERTY_SEED
          ? { seed: Number(process.env.PROPERTY_SEED), path: process.env.PROPERTY_PATH }
          : {}),
      },
    )
    console.log(`dropbox property runs: ${JSON.stringify(tally)}`)
  })
})
