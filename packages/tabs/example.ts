// Several tabs of one browser profile, one y-dropbox device. Every tab runs this.
// Runnable in Chromium against the Dropbox emulator: packages/tabs/test/browser/tabs.browser.test.ts
import { type BlobStore, IdbLocalStore, SyncEngine, type SyncEngineOptions } from '@y-dropbox/core'
import { shareEngine } from '@y-dropbox/tabs'

/** This tab's handle on the device's one engine (`remote` builds the Dropbox store). */
export function openDiary(remote: () => Promise<BlobStore>, options: Partial<SyncEngineOptions> = {}) {
  const diary = shareEngine({
    name: 'diary',
    // Runs only in the tab elected to sync; again in the next one when that tab closes.
    open: async () => {
      const local = await IdbLocalStore.open({ dbName: 'diary' })
      try {
        const engine = await SyncEngine.open({ remote: await remote(), local, root: '/diary', ...options })
        return { engine, close: () => engine.close().finally(() => local.close()) }
      } catch (error) {
        await local.close()
        throw error
      }
    },
  })
  diary.on('status', (status) => console.log(status.message)) // in every tab, whichever syncs
  return diary
}

/** What any tab does with it: edit a document, run an operation. */
export async function writeMorning(diary: ReturnType<typeof openDiary>, words: string): Promise<void> {
  const doc = await diary.doc('2026-11-25-morning') // this tab's replica, synced with the engine's
  doc.getText('notes').insert(doc.getText('notes').length, words)
  await diary.call('flush') // the edit is stored on this device, whichever tab syncs
}
