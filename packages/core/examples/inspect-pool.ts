// Runnable: npx tsx packages/core/examples/inspect-pool.ts
// Looks into a pool with nothing but its BlobStore: what `y-dropbox status`, `verify` and `export` do.
import {
  docToJson,
  inspectPool,
  MemoryCloud,
  MemoryLocalStore,
  readPoolDocuments,
  SyncEngine,
  verifyPool,
} from '@y-dropbox/core'

const cloud = new MemoryCloud()
const phone = await SyncEngine.open({
  remote: cloud.connect(),
  local: new MemoryLocalStore(),
  deviceName: 'phone',
  root: '/diary',
  autoSync: false,
})
await phone.activate()
const entry = await phone.doc('2026-11-25-morning')
entry.getMap('entry').set('pain', 6)
entry.getText('notes').insert(0, 'Stiff after a restless night.')
await phone.syncNow()

const store = cloud.connect()
const status = await inspectPool(store, { root: '/diary' })
console.log(
  status.devices.map((d) => d.name),
  status.entries,
) // [ 'phone' ] { total: 1, deleted: 0 }
const report = await verifyPool(store, { root: '/diary' })
console.log(report.ok, report.problems.length) // true 0
const { docs } = await readPoolDocuments(store, { root: '/diary' })
console.log(docs[0]?.id, docToJson(docs[0]!.update)) // 2026-11-25-morning { entry: { pain: 6 }, notes: 'Stiff after a restless night.' }
await phone.close()
