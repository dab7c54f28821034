/**
 * A device killed with SIGKILL at random moments, again and again, while it
 * edits, syncs, compacts, collects garbage and swaps masters over the Dropbox
 * emulator (crash-device.ts). Afterwards it syncs once more, a second device
 * that was never killed syncs too, and every edit the crashing device had
 * acknowledged (flushed) must be on both, once, in documents that load.
 *
 * Kills: 30 by default, 500 with SOAK=1 (or CRASH_KILLS=n); seed CRASH_SEED.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { appendFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { MemoryLocalStore, NeedsMasterError, SyncEngine, type SyncEngineOptions } from '@y-dropbox/core'
import { FsLocalStore } from '@y-dropbox/core/node'
import { type Emulator, startEmulator } from '@y-dropbox/dropbox-emulator'
import { createDropboxBlobStore } from '@y-dropbox/dropbox-provider'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const KILLS = Number(process.env.CRASH_KILLS ?? (process.env.SOAK ? 500 : 30))
const SEED = Number(process.env.CRASH_SEED ?? 20261125)
const APP_KEY = 'crash-app'
const SCRIPT = fileURLToPath(new URL('./crash-device.ts', import.meta.url))
const REPO = fileURLToPath(new URL('../..', import.meta.url))

/** What the journal says of one acknowledged edit. */
interface Ack {
  synced: boolean
  /** A master download began while it was not known to be uploaded: it may be discarded by design. */
  mayBeDiscarded: boolean
}

let emulator: Emulator
let dir: string
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, seed: SEED })
  dir = await mkdtemp(join(tmpdir(), 'y-dropbox-crash-'))
})
afterAll(async () => {
  await emulator?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function openDevice(tag: string, local: SyncEngineOptions['local']): Promise<SyncEngine> {
  const { refreshToken } = emulator.issueTokens({ clientId: APP_KEY })
  const remote = await createDropboxBlobStore({
    appKey: APP_KEY,
    refreshToken,
    emulatorUrl: emulator.url,
    clientTag: tag,
    maxRetryTimeMs: 2000,
    baseDelayMs: 5,
  })
  return SyncEngine.open({
    remote,
    local,
    root: '/crash',
    deviceName: tag,
    autoSync: false,
    onError: () => {},
  })
}

/** Syncs, taking a master download when asked; returns whether it downloaded one. */
async function settle(engine: SyncEngine): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await engine.syncNow()
      return false
    } catch (error) {
      if (error instanceof NeedsMasterError) {
        await engine.downloadMaster()
        return true
      }
      if (attempt >= 3) throw error
    }
  }
}

/** Starts the crashing device; reads its journal into `acks`. */
function startDevice(
  run: number,
  acks: Map<string, Ack>,
  tally: Map<string, number>,
): { child: ChildProcess; ready: Promise<void>; exited: Promise<string> } {
  const refreshToken = emulator.issueTokens({ clientId: APP_KEY }).refreshToken
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', SCRIPT], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      CRASH_DIR: join(dir, 'crasher'),
      CRASH_RUN: String(run),
      CRASH_SEED: String(SEED),
      CRASH_APP_KEY: APP_KEY,
      CRASH_REFRESH_TOKEN: refreshToken,
      CRASH_EMULATOR_URL: emulator.url,
    },
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  let pendingSync: string[] = []
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (process.env.CRASH_JOURNAL) appendFileSync(process.env.CRASH_JOURNAL, `${run} ${line}\n`)
      const [word, ...rest] = line.split(' ')
      const event = word === 'error' || word === 'compacted' ? `${word} ${rest[0]}` : word!
      tally.set(event, (tally.get(event) ?? 0) + (word === 'collected' ? Number(rest[0]) : 1))
      if (word === 'ready') resolve()
      else if (word === 'ack') for (const id of rest) acks.set(id, { synced: false, mayBeDiscarded: false })
      else if (word === 'sync-start') pendingSync = [...acks.keys()]
      else if (word === 'synced') for (const id of pendingSync) acks.get(id)!.synced = true
      else if (word === 'download-start')
        for (const ack of acks.values()) if (!ack.synced) ack.mayBeDiscarded = true
    })
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL')
        reject(new Error(`the device exited by itself (${code ?? signal}): ${stderr}`))
    })
  })
  // How it ended: 'SIGKILL' when we killed it, else its exit code and what it wrote on stderr.
  const exited = new Promise<string>((resolve) =>
    child.on('exit', (code, signal) =>
      resolve(signal === 'SIGKILL' ? signal : `${code ?? signal}: ${stderr}`),
    ),
  )
  return { child, ready, exited }
}

describe('a device killed at random moments', () => {
  it(
    `keeps every acknowledged edit, once, across ${KILLS} SIGKILLs`,
    async () => {
      let seed = SEED
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31
        return seed / 2 ** 31
      }
      const other = await openDevice('other', new MemoryLocalStore())
      await other.activate()
      // The crashing device's network is flaky too: lost connections and server errors.
      emulator.faults.add({ client: 'crasher', probability: 0.03, fault: 'drop' })
      emulator.faults.add({ client: 'crasher', probability: 0.03, fault: 'server-error', status: 503 })
      const acks = new Map<string, Ack>()
      const tally = new Map<string, number>()
      let beforeReady = 0
      for (let run = 0; run < KILLS; run++) {
        const { child, ready, exited } = startDevice(run, acks, tally)
        // Most kills land while it works; one in five lands at any moment, startup included.
        if (run % 5 === 4) {
          const early = await Promise.race([
            ready.then(() => false),
            new Promise<boolean>((r) => setTimeout(() => r(true), random() * 1500)),
          ])
          if (early) beforeReady++
        } else {
          await ready
          await new Promise((r) => setTimeout(r, 20 + random() * 600))
        }
        child.kill('SIGKILL')
        ready.catch(() => {})
        expect(await exited, 'the device ran until it was killed').toBe('SIGKILL')
        if (run % 3 === 2) await settle(other)
      }

      // The last restart, in this process: it syncs; the device that never crashed syncs too.
      emulator.faults.clear()
      const store = await FsLocalStore.open({ dir: join(dir, 'crasher') })
      const crasher = await openDevice('crasher', store)
      if (crasher.pool === undefined) await crasher.activate()
      if (await settle(crasher)) for (const ack of acks.values()) if (!ack.synced) ack.mayBeDiscarded = true
      await settle(other)
      await settle(crasher)

      const views: Array<{ list: string[]; ids: Set<string> }> = []
      for (const engine of [crasher, other]) {
        const ids: string[] = []
        for (const { id } of engine.list()) {
          const doc = await engine.doc(id)
          const list = doc.getArray<string>('ids').toArray()
          expect(new Set(list).size, `document ${id} holds each edit once`).toBe(list.length)
          ids.push(...list)
          doc.destroy()
        }
        views.push({
          list: engine
            .list()
            .map((d) => `${d.id}:${d.deleted}`)
            .sort(),
          ids: new Set(ids),
        })
      }
      expect(views[1]!.list).toEqual(views[0]!.list)
      let checked = 0
      const missing = [...acks].filter(
        ([id, ack]) => !ack.mayBeDiscarded && !(views[0]!.ids.has(id) && views[1]!.ids.has(id)),
      )
      if (missing.length > 0) console.log(`missing: ${missing.map(([id]) => id).join(' ')}`)
      for (const [id, ack] of acks) {
        if (ack.mayBeDiscarded) continue
        checked++
        expect(views[0]!.ids.has(id), `edit ${id} on the device that crashed`).toBe(true)
        expect(views[1]!.ids.has(id), `edit ${id} on the other device`).toBe(true)
      }
      console.log(
        `crash: ${KILLS} kills (${beforeReady} before the engine was open), ${acks.size} acknowledged edits, ` +
          `${checked} checked on both devices, ${acks.size - checked} exempt (a master download began before they were uploaded); ` +
          `journal: ${JSON.stringify(Object.fromEntries([...tally].sort()))}`,
      )
      expect(checked).toBeGreaterThan(0)
      await crasher.close()
      await store.close()
      await other.close()
    },
    60_000 + KILLS * 3_000,
  )
})
