/**
 * A cloned profile: a device's FsLocalStore folder copied to a second device
 * (a restored backup, a cloned phone), both then editing and syncing over
 * the Dropbox emulator. One of them must take a new device id, no file the
 * original id wrote may ever change, both keep syncing, nothing is lost.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemoryLocalStore, SyncEngine } from '@y-dropbox/core'
import { FsLocalStore } from '@y-dropbox/core/node'
import { type Emulator, startEmulator } from '@y-dropbox/dropbox-emulator'
import { createDropboxBlobStore } from '@y-dropbox/dropbox-provider'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'

const APP_KEY = 'clone-app'
const ROOT = '/clone'

let emulator: Emulator
let dir: string
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 })
})
afterAll(async () => {
  await emulator.close()
})
beforeEach(async () => {
  await emulator.reset()
  dir = await mkdtemp(join(tmpdir(), 'y-dropbox-clone-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function open(tag: string, local: FsLocalStore | MemoryLocalStore): Promise<SyncEngine> {
  const { refreshToken } = emulator.issueTokens({ clientId: APP_KEY })
  const remote = await createDropboxBlobStore({
    appKey: APP_KEY,
    refreshToken,
    emulatorUrl: emulator.url,
    clientTag: tag,
    maxRetryTimeMs: 300,
    baseDelayMs: 5,
  })
  return SyncEngine.open({ remote, local, root: ROOT, autoSync: false, onError: () => {} })
}

/** Adds an edit id to a document's list of edits and flushes. */
async function edit(engine: SyncEngine, docId: string, id: string): Promise<void> {
  const doc = await engine.doc(docId)
  doc.getArray<string>('edits').push([id])
  await engine.flush()
}

/** Every edit id on a device, by document. */
async function editsOf(engine: SyncEngine): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {}
  for (const { id } of engine.list().sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const doc = await engine.doc(id)
    out[id] = doc.getArray<string>('edits').toArray().sort()
    doc.destroy()
  }
  return out
}

/** Path → rev of every log file; fails if a path seen before now holds another rev. */
function watchRevs(): (label: string) => Map<string, string> {
  const seen = new Map<string, string>()
  return (label) => {
    for (const file of emulator.files()) {
      if (!file.pathLower.includes('/log/')) continue
      const before = seen.get(file.pathLower)
      if (before !== undefined) expect(file.rev, `${file.pathLower} rewritten (${label})`).toBe(before)
      seen.set(file.pathLower, file.rev)
    }
    return seen
  }
}

describe('a cloned profile', () => {
  for (const scenario of [
    'clone syncs first',
    'original syncs first',
    'both sealed the same batch',
  ] as const) {
    it(`splits into two device ids, rewrites nothing, loses nothing (${scenario})`, async () => {
      const check = watchRevs()
      const originalStore = await FsLocalStore.open({ dir: join(dir, 'original') })
      let original = await open('original', originalStore)
      const observer = await open('observer', new MemoryLocalStore())
      await original.activate()
      await observer.activate()
      for (let i = 0; i < 3; i++) await edit(original, `d${i}`, `o-before-${i}`)
      await original.syncNow()
      // Changes made but not yet uploaded when the copy is taken: both copies hold them.
      await edit(original, 'd0', 'o-unsent')
      if (scenario === 'both sealed the same batch') {
        // A sync that sealed the batch but lost the network before uploading it.
        emulator.faults.add({ id: 'down', client: 'original', route: /upload/, fault: 'offline' })
        await expect(original.syncNow()).rejects.toThrow()
        emulator.faults.remove('down')
        expect(emulator.faults.list()).toEqual([])
      }
      const id = original.deviceId
      await original.close()
      await originalStore.close()
      await cp(join(dir, 'original'), join(dir, 'clone'), { recursive: true })
      const before = new Map(check('before the copy runs'))

      const cloneStore = await FsLocalStore.open({ dir: join(dir, 'clone') })
      const clone = await open('clone', cloneStore)
      const reopened = await FsLocalStore.open({ dir: join(dir, 'original') })
      original = await open('original', reopened)
      expect(clone.deviceId).toBe(id)
      const order = scenario === 'original syncs first' ? [original, clone] : [clone, original]
      const devices = [...order, observer]
      for (let round = 0; round < 4; round++) {
        for (const [i, engine] of devices.entries()) {
          await edit(engine, `d${(round + i) % 4}`, `${['first', 'second', 'observer'][i]}-${round}`)
          await engine.syncNow()
          check(`round ${round}`)
        }
      }
      for (let round = 0; round < 2; round++) for (const engine of devices) await engine.syncNow()

      expect(new Set([original.deviceId, clone.deviceId]).size, 'two device ids').toBe(2)
      expect([original.deviceId, clone.deviceId]).toContain(id)
      const after = check('at the end')
      for (const [path, rev] of before) expect(after.get(path), `${path} kept`).toBe(rev)
      const views = await Promise.all(devices.map(editsOf))
      expect(views[1]).toEqual(views[0])
      expect(views[2]).toEqual(views[0])
      const all = Object.values(views[0]!).flat()
      expect(new Set(all).size, 'no edit twice').toBe(all.length)
      for (const expected of ['o-before-0', 'o-unsent', 'first-3', 'second-3', 'observer-3'])
        expect(all).toContain(expected)
      expect(all).toHaveLength(3 + 1 + 3 * 4)
      const logs = emulator.files().filter((f) => f.pathLower.includes('/log/')).length
      console.log(
        `clone (${scenario}): kept id on ${original.deviceId === id ? 'original' : 'clone'}, ${logs} log files, ${all.length} edits everywhere`,
      )
      for (const engine of devices) await engine.close()
      await cloneStore.close()
      await reopened.close()
    })
  }
})
