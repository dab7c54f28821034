// Case 5: a browser app, bundled by esbuild from the packed packages: the engine on IndexedDB,
// syncing through the Dropbox provider against the emulator. The test drives it through
// `window.device`.
import { IdbLocalStore, SyncEngine } from '@y-dropbox/core'
import { createDropboxBlobStore } from '@y-dropbox/dropbox-provider'

let engine

window.device = {
  /** Opens this page's device on its own IndexedDB database and activates sync (creates or joins). */
  async open({ name, emulatorUrl, refreshToken }) {
    const remote = await createDropboxBlobStore({ appKey: 'browser-app', refreshToken, emulatorUrl })
    const local = await IdbLocalStore.open({ dbName: `y-dropbox:${name}` })
    engine = await SyncEngine.open({ remote, local, deviceName: name, root: '/diary' })
    await engine.activate()
    return engine.status.state
  },
  /** Sets `field` of an entry to `value`. */
  async write(id, field, value) {
    ;(await engine.doc(id)).getMap('entry').set(field, value)
  },
  /** One sync round: push, then pull. */
  async sync() {
    await engine.syncNow()
  },
  /** The entry as this device has it. */
  async read(id) {
    return (await engine.doc(id)).getMap('entry').toJSON()
  },
  async close() {
    await engine.close()
  },
}
