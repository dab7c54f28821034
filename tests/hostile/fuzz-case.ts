/**
 * One fuzz case: the baseline pool with one hostile change, then
 * 1. the victim syncs (a device that is behind, or a new device joining);
 * 2. a device whose files were not attacked makes a fresh edit and syncs;
 * 3. the victim syncs again;
 * 4. optionally the pool is repaired and both sync once more.
 * `expect` fails the case when a promise of the engine is broken; gaps the
 * engine is known to have (known-gaps.ts) relax only what they break.
 */
import { MemoryLocalStore, type SyncEngine, YDropboxError } from '@y-dropbox/core'
import { expect } from 'vitest'
import { type Bench, type DocJson, docsOf, edit, openEngine } from './fuzz-pool.ts'
import { type Gap, gapsOf } from './known-gaps.ts'
import { type Applied, applyMutation, type Mutation } from './mutations.ts'

/** How a case runs. */
export interface CaseSetup {
  victim: 'behind' | 'new'
  /** Repair the pool at the end and require both devices to converge without user action. */
  repair: boolean
}

/** What one case observed, for the tally. */
export interface CaseOutcome {
  applied: Applied
  gaps: Set<Gap>
  /** `ok` or the error's class name, for the victim's first sync. */
  first: string
  /** The fresh edit reached the victim while the damage was still there. */
  arrived: boolean
}

/** Settles a promise into `ok` or the error's class name, checking the error is one of ours. */
export async function settle(p: Promise<unknown>, what: string): Promise<string> {
  try {
    await p
    return 'ok'
  } catch (error) {
    expect(error, `${what}: untyped ${String(error)}`).toBeInstanceOf(YDropboxError)
    return (error as Error).constructor.name
  }
}

/** Runs one case on the bench, then resets the bench. */
export async function runCase(
  bench: Bench,
  m: Mutation,
  setup: CaseSetup,
  seq: number,
): Promise<CaseOutcome> {
  const { base } = bench
  const applied = await applyMutation(base, m)
  const gaps = gapsOf(applied, base.history, setup.victim)
  const relax = (...which: Gap[]) => which.some((g) => gaps.has(g))
  await bench.write(applied.writes)
  let clock = base.now + 60_000
  const now = () => clock
  const open = (copy: typeof base.victim, remote: keyof Bench['clients']) =>
    openEngine(bench.clients[remote], new MemoryLocalStore({ entries: copy }), now)
  const victim = await open(setup.victim === 'behind' ? base.victim : [], 'victim')
  // The fresh edit comes from a device whose own files were not attacked.
  const editorName = applied.logDevices.has(base.ids.other) ? 'creator' : 'other'
  const editor = await open(base[editorName], editorName)
  const engines = [victim, editor]
  try {
    const before = setup.victim === 'behind' ? base.before : {}
    if (setup.victim === 'new') await edit(victim, 'mine', 'v', 'own')
    const first = await settle(
      setup.victim === 'behind' ? victim.syncNow() : victim.activate(),
      'the first sync',
    )
    expect(victim.status.message, 'a sentence for the user').toMatch(/\w{2,} \w{2,}/)
    if (first !== 'ok') expect(victim.status.state).not.toBe('idle')
    await victim.devices()
    const comparable = !applied.forgery && !relax('stale-pool')
    const mid = await docsOf(victim)
    if (comparable) {
      expectBetween(mid, before, base.after)
      // The documents the bad file claimed to change: untouched, or as a clean sync leaves them.
      if (setup.victim === 'behind')
        for (const id of applied.claimed)
          expect([canonical(before[id]), canonical(base.after[id])], id).toContain(canonical(mid[id]))
    }

    clock += 60_000
    await edit(editor, 'fresh', `k${seq}`, seq)
    await settle(editor.syncNow(), 'the editor’s sync')
    await settle(victim.syncNow(), 'the victim’s second sync')
    const arrived = await hasFresh(victim, seq)
    const poolDamaged = applied.touched.has('pool')
    if (!poolDamaged) expect(arrived, 'the fresh edit of an untouched device arrives').toBe(true)

    if (setup.repair) {
      await bench.write(applied.undo)
      clock += 60_000
      for (let round = 0; round < 2; round++) {
        for (const engine of [editor, victim]) {
          // A device whose activation failed on the damage is activated again by the user.
          const retry = engine.pool === undefined ? engine.activate() : engine.syncNow()
          const result = await settle(retry, 'a sync after repair')
          // A forgery may have been believed (a pool.json naming another pool turns sync off).
          if (!relax('stale-pool') && !applied.forgery) expect(result, 'a sync after repair').toBe('ok')
          else if (result === 'NeedsMasterError') await engine.downloadMaster()
        }
      }
      if (comparable) {
        expect(canonical(await docsOf(victim))).toBe(canonical(await docsOf(editor)))
      }
    }
    return { applied, gaps, first, arrived }
  } finally {
    for (const engine of engines) await engine.close()
    await bench.reset()
  }
}

/**
 * Every document holds at least what it held before (nothing lost) and only
 * what a clean sync gives (nothing forged): edits set distinct keys, so
 * "between" is a subset test per key, and deletion only ever turns on.
 */
function expectBetween(
  docs: Record<string, DocJson>,
  before: Record<string, DocJson>,
  after: Record<string, DocJson>,
  skip: string[] = [],
): void {
  for (const id of new Set([...Object.keys(docs), ...Object.keys(before)])) {
    if (skip.includes(id) || id === 'mine') continue
    const doc = docs[id]
    const low = before[id]
    const high = after[id]
    expect(doc, `document ${id} is kept`).toBeDefined()
    expect(high, `document ${id} comes from a real edit`).toBeDefined()
    for (const [key, value] of Object.entries(doc!.entry))
      expect(canonical(value), `${id}.${key}`).toBe(canonical(high!.entry[key]))
    for (const [key, value] of Object.entries(low?.entry ?? {}))
      expect(canonical(doc!.entry[key]), `${id}.${key} kept`).toBe(canonical(value))
    if (doc!.deleted) expect(high!.deleted, `${id} deleted only by a real delete`).toBe(true)
    if (low?.deleted) expect(doc!.deleted, `${id} stays deleted`).toBe(true)
  }
}

async function hasFresh(engine: SyncEngine, seq: number): Promise<boolean> {
  if (!engine.list().some((d) => d.id === 'fresh')) return false
  const doc = await engine.doc('fresh').catch(() => undefined)
  if (!doc) return false
  const found = doc.getMap('entry').get(`k${seq}`) === seq
  doc.destroy()
  return found
}

/** JSON with sorted keys, so documents compare by content, not by key order. */
export function canonical(value: unknown): string {
  return (
    JSON.stringify(value, (_, v) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
        : v,
    ) ?? 'undefined'
  )
}
