// Case 2: an app written against the shipped declarations, compiled by tsc with node16 module
// resolution and strict options (tsconfig.json beside src/), then run by plain Node. Two devices
// with file-backed local stores sync through the packed emulator; prints one JSON line.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AuthError, type DocsEvent, REMOTE_ORIGIN, SyncEngine, type SyncStatus } from '@y-dropbox/core'
import { FsLocalStore } from '@y-dropbox/core/node'
import { type Emulator, startEmulator } from '@y-dropbox/dropbox-emulator'
import { createDropboxBlobStore, type DropboxBlobStore } from '@y-dropbox/dropbox-provider'
import type * as Y from 'yjs'

interface Summary {
  pain: number | undefined
}

const dir = await mkdtemp(join(tmpdir(), 'typed-app-'))
const emulator: Emulator = await startEmulator({ port: 0 })
const locals: FsLocalStore[] = []
const engines: SyncEngine[] = []
try {
  const { refreshToken } = emulator.issueTokens({ clientId: 'typed-app' })
  const open = async (deviceName: string): Promise<SyncEngine> => {
    const remote: DropboxBlobStore = await createDropboxBlobStore({
      appKey: 'typed-app',
      refreshToken,
      emulatorUrl: emulator.url,
    })
    const local = await FsLocalStore.open({ dir: join(dir, deviceName) })
    locals.push(local)
    const engine = await SyncEngine.open({
      remote,
      local,
      deviceName,
      root: '/diary',
      summarize: (doc: Y.Doc): Summary => ({ pain: doc.getMap<number>('entry').get('pain') }),
    })
    engines.push(engine)
    return engine
  }
  const phone = await open('phone')
  const laptop = await open('laptop')
  const docsEvents: DocsEvent[] = []
  const states: SyncStatus['state'][] = []
  laptop.on('docs', (event) => docsEvents.push(event))
  laptop.on('status', (status) => states.push(status.state))
  await phone.activate()
  await laptop.activate()

  const entry: Y.Doc = await phone.doc('2026-11-25-morning')
  entry.getMap<number>('entry').set('pain', 4)
  await phone.syncNow()
  await laptop.syncNow()

  const copy = await laptop.doc('2026-11-25-morning')
  let remoteOrigin = false
  copy.on('update', (_update: Uint8Array, origin: unknown) => {
    remoteOrigin ||= origin === REMOTE_ORIGIN
  })
  entry.getMap<number>('entry').set('pain', 7)
  await phone.syncNow()
  await laptop.syncNow()

  // The provider throws core's error classes: the app's `instanceof` sees them (one copy of core).
  let typedError = false
  try {
    await createDropboxBlobStore({ appKey: 'typed-app', emulatorUrl: emulator.url })
  } catch (error) {
    typedError = error instanceof AuthError
  }
  const info = laptop.list().find((d) => d.id === '2026-11-25-morning')
  console.log(
    JSON.stringify({
      pain: copy.getMap<number>('entry').get('pain'),
      summary: info?.summary as Summary | undefined,
      remoteOrigin,
      remoteEvent: docsEvents.some((e) => e.origin === 'remote' && e.added.includes('2026-11-25-morning')),
      sawSyncing: states.includes('syncing'),
      typedError,
    }),
  )
} finally {
  for (const engine of engines) await engine.close()
  for (const local of locals) await local.close()
  await emulator.close()
  await rm(dir, { recursive: true, force: true })
}
