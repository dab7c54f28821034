// Two devices syncing one diary through an in-memory cloud.
// Run: npx tsx --conditions=source packages/core/examples/two-devices.ts
import { MemoryCloud, MemoryLocalStore, SyncEngine } from '@y-dropbox/core'

const cloud = new MemoryCloud() // stands in for Dropbox; use DropboxBlobStore in an app
const open = (deviceName: string) =>
  SyncEngine.open({ remote: cloud.connect(), local: new MemoryLocalStore(), deviceName, root: '/diary' })

const phone = await open('phone')
const laptop = await open('laptop')
await phone.activate() // creates the pool from the phone's database
await laptop.activate() // joins it

const entry = await phone.doc('2026-11-25-morning')
entry.getMap('entry').set('pain', 6)
entry.getText('notes').insert(0, 'Stiff knee after the walk.')
await phone.syncNow()
await laptop.syncNow()

const copy = await laptop.doc('2026-11-25-morning')
console.log(copy.getMap('entry').get('pain'), copy.getText('notes').toString())
await Promise.all([phone.close(), laptop.close()])
