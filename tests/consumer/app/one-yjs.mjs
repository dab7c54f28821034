// Case 3: the app's yjs is the engine's yjs. No "Yjs was already imported" warning, the engine's
// documents are instances of the app's Y.Doc, and an app-made Y.Map can go into one.
import { MemoryCloud, MemoryLocalStore, SyncEngine } from '@y-dropbox/core'
import * as Y from 'yjs'

const engine = await SyncEngine.open({
  remote: new MemoryCloud().connect(),
  local: new MemoryLocalStore(),
  deviceName: 'phone',
  root: '/diary',
})
const doc = await engine.doc('entry')
const medication = new Y.Map()
medication.set('name', 'ibuprofen')
doc.getArray('medications').push([medication])
console.log(
  JSON.stringify({
    instanceOfAppDoc: doc instanceof Y.Doc,
    appMapInserted: doc.getArray('medications').get(0) instanceof Y.Map,
    name: doc.getArray('medications').get(0).get('name'),
  }),
)
await engine.close()
