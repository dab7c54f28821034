/**
 * Peer 6c, `@automerge/automerge-repo` with its Node fs storage adapter: the
 * same entries and edits (one `change` per edit) stored, then cold-loaded by
 * a new Repo. Bytes on disk and load time, per entry against ours
 * (FsLocalStore, scenario 5). Slow at the large size, so both phases run
 * against a time budget and report how far they got.
 */
import { join } from 'node:path'
import { type AutomergeUrl, type DocHandle, Repo, splice } from '@automerge/automerge-repo'
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs'
import { type EntryEdit, type EntryFields, entryFingerprint } from '../data.ts'
import { compareRow, fig, folderBytes, now } from '../measure.ts'
import type { BenchContext, Row, ScenarioResult } from '../types.ts'

/** The Automerge shape of an entry. */
interface AutomergeEntry {
  entry: EntryFields
  notes: string
}

/** How far each phase got within the budget. */
export interface AutomergeFigures {
  target: number
  budgetMs: number
  /** Entries created with all their edits and flushed to disk. */
  stored: number
  storeMs: number
  diskBytes: number
  /** Entries loaded by a fresh Repo. */
  loaded: number
  loadMs: number
}

/** Applies one edit inside `handle.change`. */
function applyEdit(doc: AutomergeEntry, edit: EntryEdit): void {
  if (edit.kind === 'create') {
    doc.entry = structuredClone(edit.fields)
    doc.notes = edit.notes
  } else if (edit.kind === 'set') {
    ;(doc.entry as unknown as Record<string, unknown>)[edit.key] = structuredClone(edit.value)
  } else {
    const index = Math.min(edit.index, doc.notes.length)
    splice(doc, ['notes'], index, Math.min(edit.remove, doc.notes.length - index), edit.insert)
  }
}

/** Stores the diary in a Repo until done or out of budget, then cold-loads what was stored. */
export async function measureAutomerge(ctx: BenchContext): Promise<AutomergeFigures> {
  const entries = ctx.diary().entries
  const dir = join(ctx.tmp, 'automerge')
  const budgetMs = ctx.peerBudgetMs
  ctx.progress.phase('Peer: automerge-repo, storing', entries.length)
  const repo = new Repo({ storage: new NodeFSStorageAdapter(dir), network: [] })
  const urls: AutomergeUrl[] = []
  const start = now()
  for (const entry of entries) {
    if (now() - start > budgetMs) break
    const handle: DocHandle<AutomergeEntry> = repo.create<AutomergeEntry>()
    for (const edit of entry.edits) handle.change((doc) => applyEdit(doc, edit))
    urls.push(handle.url)
    ctx.progress.tick()
  }
  await repo.flush()
  const storeMs = now() - start
  await repo.shutdown()
  const diskBytes = await folderBytes(dir)

  ctx.progress.phase('Peer: automerge-repo, loading', urls.length)
  const fresh = new Repo({ storage: new NodeFSStorageAdapter(dir), network: [] })
  const loadStart = now()
  let loaded = 0
  for (const url of urls) {
    if (now() - loadStart > budgetMs) break
    const handle = await fresh.find<AutomergeEntry>(url)
    const doc = handle.doc()
    if (
      loaded === 0 &&
      entryFingerprint({ fields: doc.entry, notes: doc.notes }) !== entryFingerprint(entries[0]!)
    ) {
      throw new Error('automerge peer: the first entry does not load back as written')
    }
    loaded++
    ctx.progress.tick()
  }
  const loadMs = now() - loadStart
  await fresh.shutdown()
  return { target: entries.length, budgetMs, stored: urls.length, storeMs, diskBytes, loaded, loadMs }
}

/** The table of this peer. */
export function automergeResult(ctx: BenchContext, f: AutomergeFigures): ScenarioResult {
  const s = (ms: number) => `${Math.round(ms / 1000)} s`
  const n = (x: number) => x.toLocaleString('en')
  const rows: Row[] = []
  const oursDisk = ctx.figures.get('disk.fs.bytes')
  const oursAll = ctx.figures.get('cold.fs.allMs')
  const storedAll = f.stored === f.target
  const loadedAll = f.loaded === f.stored
  const storeNote = storedAll
    ? `stored ${n(f.target)} in ${s(f.storeMs)}`
    : `did not finish in ${s(f.budgetMs)} at ${n(f.target)} (stored ${n(f.stored)})`
  rows.push({
    scenario: `storing ${n(f.target)} entries and their edits`,
    ours: '—',
    baseline: storeNote,
    against: 'automerge-repo + NodeFS',
    target: '—',
  })
  if (f.stored > 0 && oursDisk !== undefined) {
    rows.push(
      compareRow(
        'bytes on disk per entry',
        fig(oursDisk / ctx.size, 'B'),
        fig(f.diskBytes / f.stored, 'B'),
        `automerge-repo (${n(f.stored)} entries)`,
        {
          text: 'ours < peer',
          maxRatio: 1,
        },
      ),
    )
  }
  const loadNote = loadedAll
    ? `loaded ${n(f.loaded)} in ${s(f.loadMs)}`
    : `did not finish in ${s(f.budgetMs)} at ${n(f.stored)} (loaded ${n(f.loaded)})`
  rows.push({
    scenario: `cold load of ${n(f.stored)} entries`,
    ours: '—',
    baseline: loadNote,
    against: 'automerge-repo + NodeFS',
    target: '—',
  })
  if (f.loaded > 0 && oursAll !== undefined) {
    rows.push(
      compareRow(
        'cold load, per entry (every entry opened)',
        fig(oursAll / ctx.size, 'ms'),
        fig(f.loadMs / f.loaded, 'ms'),
        `automerge-repo (${n(f.loaded)} entries)`,
        {
          text: 'ours < peer',
          maxRatio: 1,
        },
      ),
    )
  }
  return {
    id: 'peer-automerge',
    title: '6c. Peer: automerge-repo with its Node fs storage',
    about:
      'The same entries and edits (one `handle.change` per edit; fields in a map, notes as text) in an ' +
      '`@automerge/automerge-repo` Repo with `NodeFSStorageAdapter`, flushed, then loaded by a new Repo ' +
      `(\`find\` of each document in turn). Each phase has a budget of ${s(f.budgetMs)}. Ours: the FsLocalStore ` +
      'of scenario 5 (its folder size; opening every entry once), per entry, as the peer may stop short.',
    rows,
    notes: [],
    raw: { ...f },
  }
}
