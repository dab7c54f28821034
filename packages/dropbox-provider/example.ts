// Runnable: npx tsx --conditions=source packages/dropbox-provider/example.ts
// A DropboxBlobStore against the in-process emulator; swap the emulator for an app key to use Dropbox.
import { startEmulator } from '@y-dropbox/dropbox-emulator'
import { createDropboxBlobStore } from '@y-dropbox/dropbox-provider'

const emulator = await startEmulator({ port: 0 })
const { refreshToken } = emulator.issueTokens({ clientId: 'my-app-key' })
const store = await createDropboxBlobStore({ appKey: 'my-app-key', refreshToken, emulatorUrl: emulator.url })

const meta = await store.put('/diary/hello.txt', new TextEncoder().encode('hello, Dropbox'), 'add')
console.log('stored', meta.path, 'rev', meta.rev, 'hash', meta.contentHash.slice(0, 12))

const { entries, cursor } = await store.list('/diary')
console.log(
  'listed',
  entries.map((e) => e.path),
)

const changed = store.watch(cursor, AbortSignal.timeout(10_000))
await store.putMany([
  { path: '/diary/a.ydu', data: new Uint8Array([1, 2, 3]), mode: 'add' },
  { path: '/diary/b.ydu', data: new Uint8Array([4, 5, 6]), mode: 'add' },
])
console.log('watch saw a change:', await changed)
console.log(
  'changes since:',
  (await store.list('/diary', cursor)).entries.map((e) => e.path),
)

const file = await store.get('/diary/hello.txt')
console.log('read back:', new TextDecoder().decode(file?.data))
await store.delete(['/diary/hello.txt', '/diary/a.ydu', '/diary/b.ydu'])
await emulator.close()
