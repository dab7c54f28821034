/**
 * A device that crash.test.ts kills with SIGKILL at random moments: an
 * FsLocalStore in `CRASH_DIR`, a DropboxBlobStore to the emulator at
 * `CRASH_EMULATOR_URL`, editing and syncing in a loop without end. It
 * prints one line per event on stdout, which the test reads as a journal:
 *
 *   ready <deviceId>          the engine is open
 *   ack <id> [<id>...]        these edits are flushed (durable on this device)
 *   sync-start / synced       a syncNow began / resolved (edits acked before it are on the remote)
 *   download-start            a master download began (unsynced edits may be discarded)
 *   error <Class> <message>   a typed failure; the loop goes on
 *   compacted <bool> / collected <n> / uploaded-master / downloaded-master
 *
 * An untyped failure ends the process with code 1 (the test fails on it).
 * Run: node --conditions=source --import tsx tests/hostile/crash-device.ts (env below).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { NeedsMasterError, SyncEngine, YDropboxError } from '@y-dropbox/core'
import { FsLocalStore } from '@y-dropbox/core/node'
import { createDropboxBlobStore } from '@y-dropbox/dropbox-provider'

const need = (name: string): string => {
  const value = process.env[name]
  if (!value) throw new Error(`crash-device: set ${name}`)
  return value
}
const dir = need('CRASH_DIR')
const run = Number(need('CRASH_RUN'))
const random = mulberry32(Number(need('CRASH_SEED')) * 1000 + run)
const say = (line: string) => process.stdout.write(`${line}\n`)
const HOUR = 3600_000

const download = async () => {
  say('download-start')
  if (await attempt(() => engine.downloadMaster())) say('downloaded-master')
}

// The injected clock jumps an hour at each garbage collection, and never goes back across restarts.
const clockFile = `${dir}.clock`
let offset = Number(readSafe(clockFile) ?? 0)
const now = () => Date.now() + offset

const remote = await createDropboxBlobStore({
  appKey: need('CRASH_APP_KEY'),
  refreshToken: need('CRASH_REFRESH_TOKEN'),
  emulatorUrl: need('CRASH_EMULATOR_URL'),
  clientTag: 'crasher',
  maxRetryTimeMs: 2000,
  baseDelayMs: 5,
  maxDelayMs: 50,
})
const local = await FsLocalStore.open({ dir })
const engine = await SyncEngine.open({
  remote,
  local,
  root: '/crash',
  deviceName: 'crasher',
  autoSync: false,
  compactAfterFiles: 6,
  gcGraceMs: 10 * 60_000,
  // Its clock runs fast: ten simulated minutes pass in moments.
  unsafeShortGcGrace: true,
  now,
  onError: () => {},
})
say(`ready ${engine.deviceId}`)
if (engine.pool === undefined) await attempt(() => engine.activate())

let edits = 0
for (;;) {
  const roll = random()
  if (roll < 0.5) {
    // A burst of 1-3 edits, then one flush acknowledges them all.
    const ids: string[] = []
    for (let i = 0, n = 1 + Math.floor(random() * 3); i < n; i++) {
      const id = `r${run}e${edits++}`
      const doc = await engine.doc(`d${Math.floor(random() * 4)}`)
      doc.getArray<string>('ids').push([id])
      doc.getMap('last').set('id', id)
      ids.push(id)
    }
    await engine.flush()
    say(`ack ${ids.join(' ')}`)
  } else if (roll < 0.75) {
    if (engine.pool === undefined) await attempt(() => engine.activate())
    say('sync-start')
    if (await attempt(() => engine.syncNow())) say('synced')
  } else if (roll < 0.85) {
    await attempt(async () => say(`compacted ${await engine.compact()}`))
  } else if (roll < 0.93) {
    offset += HOUR
    writeAtomic(clockFile, String(offset))
    await attempt(async () => say(`collected ${await engine.collectGarbage()}`))
  } else if (roll < 0.965) {
    // After an interrupted master download the engine refuses (or first completes the database).
    if (await attempt(() => engine.uploadMaster())) say('uploaded-master')
  } else {
    await download()
  }
}

/** Runs a step; typed failures are reported and survived, a master download is taken when asked. */
async function attempt(step: () => Promise<unknown>): Promise<boolean> {
  try {
    await step()
    return true
  } catch (error) {
    if (!(error instanceof YDropboxError)) {
      process.stderr.write(`untyped failure: ${error instanceof Error ? error.stack : String(error)}\n`)
      process.exit(1)
    }
    say(`error ${error.constructor.name} ${error.message.split('\n')[0]}`)
    if (error instanceof NeedsMasterError) await download()
    return false
  }
}

function readSafe(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

function writeAtomic(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text)
  renameSync(`${path}.tmp`, path)
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
