/**
 * Peer 6b, one file per entry: each entry's Yjs state in its own file,
 * overwritten on each save; a new device lists the folder and downloads
 * every file. Calls and time to bootstrap, over the emulator, against our
 * bootstrap after compaction (scenario 1a); and the cost of one save.
 */
import * as Y from 'yjs'
import { compareRow, fig, now } from '../measure.ts'
import { countCalls, openStore } from '../remote.ts'
import type { BenchContext, Row, ScenarioResult } from '../types.ts'

/** Downloads in flight at once (the store allows 4 reads at a time anyway). */
const CONCURRENCY = 8

/** What this peer cost. */
export interface FilePerEntryFigures {
  entries: number
  bootstrapMs: number
  bootstrapCalls: number
  bootstrapBytes: number
  saveCalls: number
  saveBytes: number
}

/** Uploads the diary as one file per entry, then bootstraps a new device from it and saves once. */
export async function measureFilePerEntry(ctx: BenchContext): Promise<FilePerEntryFigures> {
  const entries = ctx.diary().entries
  const dir = '/bench-file-per-entry'
  const writer = await openStore(ctx.remote)
  ctx.progress.phase('Peer: one file per entry', 3)
  for (let i = 0; i < entries.length; i += 1000) {
    await writer.putMany(
      entries
        .slice(i, i + 1000)
        .map((e) => ({ path: `${dir}/${e.id}.ydoc`, data: e.state, mode: 'overwrite' as const })),
    )
  }
  ctx.progress.tick()

  const reader = await openStore(ctx.remote)
  const docs = new Map<string, Y.Doc>()
  const start = now()
  const { result: cursor, calls } = await countCalls(ctx.remote, async () => {
    const listing = await reader.list(dir)
    let next = 0
    const worker = async () => {
      while (next < listing.entries.length) {
        const meta = listing.entries[next++]!
        const got = await reader.get(meta.path)
        if (!got) throw new Error(`file-per-entry peer: ${meta.path} vanished`)
        const doc = new Y.Doc()
        Y.applyUpdate(doc, got.data)
        docs.set(meta.path, doc)
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
    return listing.cursor
  })
  const bootstrapMs = now() - start
  if (docs.size !== entries.length)
    throw new Error(`file-per-entry peer: got ${docs.size} of ${entries.length} entries`)
  ctx.progress.tick()

  // One save: the edited entry's file is overwritten; the other device lists and downloads it.
  const entry = entries[0]!
  const doc = docs.get(`${dir}/${entry.id}.ydoc`.toLowerCase())!
  doc.getMap('entry').set('pain', 3)
  const state = Y.encodeStateAsUpdate(doc)
  const save = await countCalls(ctx.remote, async () => {
    await writer.put(`${dir}/${entry.id}.ydoc`, state, 'overwrite')
    const changes = await reader.list(dir, cursor)
    for (const meta of changes.entries) await reader.get(meta.path)
  })
  for (const d of docs.values()) d.destroy()
  ctx.progress.tick()
  return {
    entries: entries.length,
    bootstrapMs,
    bootstrapCalls: calls.calls,
    bootstrapBytes: calls.bytesDown,
    saveCalls: save.calls.calls,
    saveBytes: save.calls.uploadBytes + save.calls.downloadBytes,
  }
}

/** The table of this peer. */
export function filePerEntryResult(ctx: BenchContext, f: FilePerEntryFigures): ScenarioResult {
  const n = f.entries.toLocaleString('en')
  const rows: Row[] = []
  const ours = (key: string) => ctx.figures.get(key)
  const pairs: Array<[string, string | undefined, number, 'ms' | 'calls' | 'B', boolean]> = [
    [`bootstrap ${n} entries: time`, 'bootstrap.snapshot.ms', f.bootstrapMs, 'ms', true],
    [`bootstrap ${n} entries: calls`, 'bootstrap.snapshot.calls', f.bootstrapCalls, 'calls', true],
    [`bootstrap ${n} entries: bytes downloaded`, 'bootstrap.snapshot.bytes', f.bootstrapBytes, 'B', false],
    ['one save: calls (both devices)', 'save.calls', f.saveCalls, 'calls', false],
    ['one save: bytes moved', 'save.bytes', f.saveBytes, 'B', false],
  ]
  for (const [label, key, peer, unit, targeted] of pairs) {
    const value = key ? ours(key) : undefined
    const target = targeted ? { text: 'ours < peer', maxRatio: 1 } : undefined
    if (value === undefined)
      rows.push({
        scenario: label,
        ours: 'not measured in this run',
        baseline: fig(peer, unit),
        against: 'file per entry',
        target: '—',
      })
    else rows.push(compareRow(label, fig(value, unit), fig(peer, unit), 'file per entry', target))
  }
  return {
    id: 'peer-file-per-entry',
    title: '6b. Peer: one file per entry',
    about:
      `Each of ${n} entries stored as its own file (its Yjs state), overwritten on each save. A new device lists ` +
      `the folder and downloads every file (${CONCURRENCY} at a time through DropboxBlobStore, which runs 4 reads ` +
      'at once), applying each into a Y.Doc. Ours: bootstrap after compaction (1a) and one save (2).',
    rows,
    notes: [],
    raw: { ...f },
  }
}
