/**
 * Peer 6d, y-indexeddb: one `IndexeddbPersistence` (one database) per entry
 * over fake-indexeddb, every edit stored as it happens. Cold open of every
 * entry (y-indexeddb keeps no index: listing means opening each), against
 * IdbLocalStore (scenario 5). Runs against a time budget.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { IndexeddbPersistence } from 'y-indexeddb'
import * as Y from 'yjs'
import { NOTES_TEXT } from '../data.ts'
import { compareRow, fig, now } from '../measure.ts'
import type { BenchContext, Row, ScenarioResult } from '../types.ts'

/** How far each phase got. */
export interface YIndexeddbFigures {
  target: number
  budgetMs: number
  stored: number
  storeMs: number
  opened: number
  openMs: number
}

/** Opens a persistence for `id` and waits until it has loaded. */
async function open(id: string): Promise<{ doc: Y.Doc; persistence: IndexeddbPersistence }> {
  const doc = new Y.Doc()
  const persistence = new IndexeddbPersistence(id, doc)
  await persistence.whenSynced
  return { doc, persistence }
}

/** Stores every entry's edits through y-indexeddb, then opens every entry again. */
export async function measureYIndexeddb(ctx: BenchContext): Promise<YIndexeddbFigures> {
  const entries = ctx.diary().entries
  const budgetMs = ctx.peerBudgetMs
  // y-indexeddb (lib0/indexeddb) uses the global IndexedDB: give it a fresh fake one.
  const g = globalThis as { indexedDB?: unknown; IDBKeyRange?: unknown }
  const saved = { indexedDB: g.indexedDB, IDBKeyRange: g.IDBKeyRange }
  g.indexedDB = new IDBFactory()
  g.IDBKeyRange = IDBKeyRange
  try {
    ctx.progress.phase('Peer: y-indexeddb, storing', entries.length)
    let start = now()
    let stored = 0
    for (const entry of entries) {
      if (now() - start > budgetMs) break
      const { doc, persistence } = await open(entry.id)
      for (const update of entry.updates) Y.applyUpdate(doc, update)
      await persistence.destroy()
      doc.destroy()
      stored++
      ctx.progress.tick()
    }
    const storeMs = now() - start

    ctx.progress.phase('Peer: y-indexeddb, cold open', stored)
    start = now()
    let opened = 0
    for (const entry of entries.slice(0, stored)) {
      if (now() - start > budgetMs) break
      const { doc, persistence } = await open(entry.id)
      if (doc.getText(NOTES_TEXT).toString() !== entry.notes) {
        throw new Error(`y-indexeddb peer: entry ${entry.id} does not load back as written`)
      }
      await persistence.destroy()
      doc.destroy()
      opened++
      ctx.progress.tick()
    }
    const openMs = now() - start
    return { target: entries.length, budgetMs, stored, storeMs, opened, openMs }
  } finally {
    g.indexedDB = saved.indexedDB
    g.IDBKeyRange = saved.IDBKeyRange
  }
}

/** The table of this peer. */
export function yIndexeddbResult(ctx: BenchContext, f: YIndexeddbFigures): ScenarioResult {
  const s = (ms: number) => `${Math.round(ms / 1000)} s`
  const n = (x: number) => x.toLocaleString('en')
  const rows: Row[] = []
  const complete = f.stored === f.target && f.opened === f.stored
  const oursList = ctx.figures.get('cold.idb.listMs')
  const oursAll = ctx.figures.get('cold.idb.allMs')
  if (!complete) {
    rows.push({
      scenario: `${n(f.target)} entries`,
      ours: '—',
      baseline: `did not finish in ${s(f.budgetMs)} at ${n(f.target)} (stored ${n(f.stored)}, opened ${n(f.opened)})`,
      against: 'y-indexeddb',
      target: '—',
    })
  }
  if (f.opened > 0 && oursList !== undefined && oursAll !== undefined) {
    const scale = f.target / f.opened
    const peer = fig(f.openMs * scale, 'ms')
    const against = complete
      ? 'y-indexeddb, opening each entry'
      : `y-indexeddb, scaled from ${n(f.opened)} entries`
    rows.push(
      compareRow(`list of ${n(f.target)} ready`, fig(oursList, 'ms'), peer, against, {
        text: 'ours < peer',
        maxRatio: 1,
      }),
      compareRow(`every entry of ${n(f.target)} open`, fig(oursAll, 'ms'), peer, against, {
        text: 'ours < peer',
        maxRatio: 1,
      }),
    )
  }
  return {
    id: 'peer-y-indexeddb',
    title: '6d. Peer: y-indexeddb, one database per entry',
    about:
      'Each entry in its own `IndexeddbPersistence` over fake-indexeddb, its edits stored one by one as y-indexeddb ' +
      'does; then every entry opened again in turn (y-indexeddb has no index, so a list needs every document). ' +
      `Each phase has a budget of ${s(f.budgetMs)}. Ours: IdbLocalStore cold start of scenario 5 over the same ` +
      `fake-indexeddb. Storing took ${s(f.storeMs)} for ${n(f.stored)} entries.`,
    rows,
    notes: [],
    raw: { ...f },
  }
}
