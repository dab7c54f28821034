// Case 1: plain Node, no loader. Two devices sync an entry through MemoryCloud, then two devices
// through createDropboxBlobStore against the packed emulator. Prints one JSON line per run.
import { MemoryCloud, MemoryLocalStore, SyncEngine } from '@y-dropbox/core'
import { startEmulator } from '@y-dropbox/dropbox-emulator'
import { createDropboxBlobStore } from '@y-dropbox/dropbox-provider'

async function twoDevices(remote) {
  const open = async (deviceName) =>
    SyncEngine.open({ remote: await remote(), local: new MemoryLocalStore(), deviceName, root: '/diary' })
  const phone = await open('phone')
  const laptop = await open('laptop')
  try {
    await phone.activate()
    await laptop.activate()
    const entry = await phone.doc('2026-11-25-morning')
    entry.getMap('entry').set('pain', 6)
    entry.getText('notes').insert(0, 'Stiff knee after the walk.')
    await phone.syncNow()
    await laptop.syncNow()
    const copy = await laptop.doc('2026-11-25-morning')
    return {
      pain: copy.getMap('entry').get('pain'),
      notes: copy.getText('notes').toString(),
      listed: laptop.list().map((d) => d.id),
    }
  } finally {
    await phone.close()
    await laptop.close()
  }
}

const cloud = new MemoryCloud()
console.log(JSON.stringify({ via: 'MemoryCloud', ...(await twoDevices(async () => cloud.connect())) }))

const emulator = await startEmulator({ port: 0 })
try {
  const { refreshToken } = emulator.issueTokens({ clientId: 'consumer-app' })
  const remote = () =>
    createDropboxBlobStore({ appKey: 'consumer-app', refreshToken, emulatorUrl: emulator.url })
  const result = await twoDevices(remote)
  const files = emulator.files().map((f) => f.pathLower)
  console.log(JSON.stringify({ via: 'Dropbox emulator', ...result, files: files.length }))
} finally {
  await emulator.close()
}
