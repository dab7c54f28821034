/**
 * A device that is uploading while the pool folder is deleted (by hand, or by
 * "Delete All Local & Remote Sync Data" elsewhere) used to leave the batch of
 * its current round in the deleted folder (14 of 15 trials). It must leave
 * nothing there: repeated trials with the deletion at different moments.
 */
import { MemoryLocalStore, SyncEngine } from '@y-dropbox/core'
import { startEmulator } from '@y-dropbox/dropbox-emulator'
import { createDropboxBlobStore } from '@y-dropbox/dropbox-provider'
import { expect, it } from 'vitest'

it('a device uploading while the pool folder is deleted leaves nothing in it', async () => {
  const emulator = await startEmulator({ port: 0, maxLongpollMs: 200 })
  const link = async (tag: string) =>
    createDropboxBlobStore({
      appKey: 'app',
      refreshToken: emulator.issueTokens({ clientId: 'app' }).refreshToken,
      emulatorUrl: emulator.url,
      clientTag: tag,
      maxRetryTimeMs: 300,
      baseDelayMs: 5,
    })
  const strays: string[] = []
  try {
    for (let trial = 0; trial < 10; trial++) {
      await emulator.reset()
      const phone = await SyncEngine.open({
        remote: await link('phone'),
        local: new MemoryLocalStore(),
        root: '/diary',
        pushDelayMs: 0,
        pollIntervalMs: 20,
        retryDelayMs: { base: 10, max: 20 },
        onError: () => {},
      })
      await phone.activate()
      let typing = true
      const saving = (async () => {
        for (let i = 0; typing; i++) {
          ;(await phone.doc(`n${i % 5}`)).getMap('entry').set('k', i)
          await phone.flush()
          await new Promise((r) => setTimeout(r, 1))
        }
      })()
      await new Promise((r) => setTimeout(r, 50 + trial * 11))
      const other = await link('other-app')
      await other.delete((await other.list('/diary')).entries.map((e) => e.path))
      while (phone.status.state !== 'inactive') await new Promise((r) => setTimeout(r, 10))
      typing = false
      await saving
      await new Promise((r) => setTimeout(r, 100))
      strays.push(...(await other.list('/diary')).entries.map((e) => e.path))
      expect(phone.status.message).toMatch(/activate sync to start again/)
      await phone.close()
    }
  } finally {
    await emulator.close()
  }
  console.log(`deleted while uploading: 10 trials, ${strays.length} files left in the deleted folder`)
  expect(strays).toEqual([])
}, 120_000)
