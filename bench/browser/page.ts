/**
 * The benchmark page run in Chromium (bundled and served by `host.ts`): builds
 * the diary in the browser's real IndexedDB, through our engine
 * (IdbLocalStore) and through y-indexeddb, then, in fresh browser sessions,
 * measures cold starts and a bootstrap through the emulator. Every function
 * is called by playwright through `globalThis.bench` and returns plain data;
 * the host serves each store from an origin of its own.
 */
import { IdbLocalStore, MemoryCloud, SyncEngine } from '@y-dropbox/core'
import { createDropboxBlobStore } from '@y-dropbox/dropbox-provider'
import { IndexeddbPersistence, storeState } from 'y-indexeddb'
import * as Y from 'yjs'
import {
  type EntryEdit,
  entryFingerprint,
  generateDiary,
  readEntry,
  summarizeEntry,
  writeThrough,
} from '../data.ts'

/** Databases the page uses. */
const OURS = 'bench-ours'
const ONE_DOC = 'yidb-diary'
const ROOT = '/bench-local'

const now = () => performance.now()

function engineOn(local: IdbLocalStore, cloud = new MemoryCloud()) {
  return SyncEngine.open({
    remote: cloud.connect(),
    local,
    root: ROOT,
    autoSync: false,
    summarize: summarizeEntry,
  })
}

/** Applies one edit to an entry kept as a Y.Map (fields) and a Y.Text (notes) inside the one-document diary. */
function applyNested(entry: Y.Map<unknown>, edit: EntryEdit): void {
  const fields = entry.get('fields') as Y.Map<unknown>
  const text = entry.get('notes') as Y.Text
  if (edit.kind === 'create') {
    for (const [key, value] of Object.entries(edit.fields)) fields.set(key, value)
    text.insert(0, edit.notes)
  } else if (edit.kind === 'set') fields.set(edit.key, edit.value)
  else {
    const index = Math.min(edit.index, text.length)
    if (edit.remove > 0) text.delete(index, Math.min(edit.remove, text.length - index))
    if (edit.insert) text.insert(index, edit.insert)
  }
}

/**
 * Resolves once every update y-indexeddb queued is on disk. It does not wait
 * for its writes; a later read-write transaction on its store completes after
 * them, and closing the browser before that loses them.
 */
function stored(p: IndexeddbPersistence): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = p.db!.transaction(['updates'], 'readwrite')
    tx.oncomplete = () => resolve()
    tx.onerror = () => reject(tx.error)
    tx.onabort = () => reject(tx.error)
  })
}

/** What seeding asks for: the diary's shape, and the budget of the per-entry store. */
interface SeedOptions {
  entries: number
  editsPerEntry: number
  seed: number
  budgetMs: number
}

const diaryOf = (o: SeedOptions) =>
  generateDiary({ entries: o.entries, editsPerEntry: o.editsPerEntry, seed: o.seed })

/** Ours: through the engine, as an app writes it (summaries included), flushed per batch. */
async function seedOurs(o: SeedOptions) {
  const diary = diaryOf(o)
  const start = now()
  const local = await IdbLocalStore.open({ dbName: OURS })
  const engine = await engineOn(local)
  await engine.activate()
  await writeThrough(engine, diary.entries)
  await engine.syncNow()
  await engine.close()
  await local.close()
  return { ms: now() - start }
}

/** y-indexeddb, the whole diary in one document: entries in a Y.Map, each entry's edits in one transaction. */
async function seedOneDoc(o: SeedOptions) {
  const diary = diaryOf(o)
  const start = now()
  const diaryDoc = new Y.Doc()
  const persistence = new IndexeddbPersistence(ONE_DOC, diaryDoc)
  await persistence.whenSynced
  const all = diaryDoc.getMap('entries')
  for (const entry of diary.entries) {
    diaryDoc.transact(() => {
      const map = new Y.Map<unknown>()
      all.set(entry.id, map)
      map.set('fields', new Y.Map())
      map.set('notes', new Y.Text())
      for (const edit of entry.edits) applyNested(map, edit)
    })
  }
  // What y-indexeddb does a second after the last update once it holds 500 or more: merge them into one.
  await storeState(persistence, true)
  await stored(persistence)
  await persistence.destroy()
  diaryDoc.destroy()
  return { ms: now() - start }
}

/** y-indexeddb, one database per entry, every edit stored as it happens; within the budget. */
async function seedPerEntry(o: SeedOptions) {
  const diary = diaryOf(o)
  const start = now()
  let count = 0
  for (const entry of diary.entries) {
    if (now() - start > o.budgetMs) break
    const doc = new Y.Doc()
    const p = new IndexeddbPersistence(`yidb-${entry.id}`, doc)
    await p.whenSynced
    for (const update of entry.updates) Y.applyUpdate(doc, update)
    await stored(p)
    await p.destroy()
    doc.destroy()
    count++
  }
  return { stored: count, ms: now() - start }
}

/**
 * Cold start of our store: list ready, one entry open, optionally every entry
 * opened; checks samples. With `idbStarted`, an empty database is opened first,
 * so the times leave out what starting IndexedDB costs (`idbMs`).
 */
async function coldOurs(o: {
  entries: number
  every: boolean
  samples: Record<string, string>
  idbStarted?: boolean
}) {
  const idbMs = o.idbStarted ? (await openEmpty()).ms : 0
  const start = now()
  const local = await IdbLocalStore.open({ dbName: OURS })
  const openMs = now() - start
  const engine = await engineOn(local)
  const listed = engine.list()
  const listMs = now() - start
  const ids = Object.keys(o.samples)
  const first = await engine.doc(ids[0]!)
  const entryMs = now() - start
  first.destroy()
  let allMs = 0
  if (o.every) {
    for (const { id } of listed) (await engine.doc(id)).destroy()
    allMs = now() - start
  }
  for (const id of ids) {
    const doc = await engine.doc(id)
    if (entryFingerprint(readEntry(doc)) !== o.samples[id]) throw new Error(`entry ${id} does not read back`)
    doc.destroy()
  }
  await engine.close()
  await local.close()
  if (listed.length !== o.entries) throw new Error(`listed ${listed.length} of ${o.entries} entries`)
  return { listMs, entryMs, allMs, openMs, idbMs }
}

/** Opens an empty database of its own: what any IndexedDB user pays first in a fresh browser. */
async function openEmpty() {
  const start = now()
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open('bench-empty')
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
  const ms = now() - start
  db.close()
  return { ms }
}

/** Cold open of the one-document diary through y-indexeddb, until every entry is in memory (`idbStarted`: as in coldOurs). */
async function coldOneDoc(o: { entries: number; idbStarted?: boolean }) {
  const idbMs = o.idbStarted ? (await openEmpty()).ms : 0
  const start = now()
  const doc = new Y.Doc()
  const persistence = new IndexeddbPersistence(ONE_DOC, doc)
  await persistence.whenSynced
  const count = doc.getMap('entries').size
  const ms = now() - start
  await persistence.destroy()
  doc.destroy()
  if (count !== o.entries) throw new Error(`y-indexeddb loaded ${count} of ${o.entries} entries`)
  return { ms, idbMs }
}

/** Cold open of each per-entry y-indexeddb database in turn, within the budget. */
async function coldPerEntry(o: { ids: string[]; budgetMs: number }) {
  const start = now()
  let opened = 0
  for (const id of o.ids) {
    if (now() - start > o.budgetMs) break
    const doc = new Y.Doc()
    const p = new IndexeddbPersistence(`yidb-${id}`, doc)
    await p.whenSynced
    await p.destroy()
    doc.destroy()
    opened++
  }
  return { opened, ms: now() - start }
}

/** A new device in this browser joins the pool on the emulator (IdbLocalStore); time until `activate()` resolved. */
async function bootstrap(o: { emulatorUrl: string; appKey: string; accessToken: string; root: string }) {
  const start = now()
  const remote = await createDropboxBlobStore({
    appKey: o.appKey,
    accessToken: o.accessToken,
    emulatorUrl: o.emulatorUrl,
  })
  const local = await IdbLocalStore.open({ dbName: `bench-join-${Date.now()}` })
  const engine = await SyncEngine.open({
    remote,
    local,
    root: o.root,
    autoSync: false,
    summarize: summarizeEntry,
    compactAfterFiles: Number.MAX_SAFE_INTEGER,
    compactAfterBytes: Number.MAX_SAFE_INTEGER,
  })
  await engine.activate()
  const ms = now() - start
  const listed = engine.list().length
  await engine.close()
  await local.close()
  return { ms, listed }
}

;(globalThis as { bench?: unknown }).bench = {
  seedOurs,
  seedOneDoc,
  seedPerEntry,
  coldOurs,
  coldOneDoc,
  coldPerEntry,
  bootstrap,
  openEmpty,
}
