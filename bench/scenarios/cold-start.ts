/**
 * Scenario 5, local cold start: reopen a device holding the whole diary from
 * its LocalStore (FsLocalStore, and IdbLocalStore over fake-indexeddb) until
 * `list()` is ready and until one entry is open; also until every entry has
 * been opened once. Baseline: reading every stored byte raw (the files; one
 * `getAll()` of the object store).
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { LocalStore, SyncEngine } from '@y-dropbox/core'
import { entryFingerprint, readEntry } from '../data.ts'
import { type LocalDevice, openEngine, openFs, openIdb } from '../local-device.ts'
import { collectGarbage, compareRow, fig, median, medianTime, now } from '../measure.ts'
import { runBenchChild } from '../profile.ts'
import type { BenchContext, Progress, Row, ScenarioResult } from '../types.ts'

/** Figures of one store kind (medians). */
export interface ColdStartFigures {
  store: 'FsLocalStore' | 'IdbLocalStore'
  listMs: number
  entryMs: number
  allMs: number
  rawReadMs: number
}

/** Measures both stores. */
export async function measureColdStart(ctx: BenchContext, device: LocalDevice): Promise<ColdStartFigures[]> {
  const kinds = [
    { store: 'FsLocalStore' as const, open: () => openFs(device), raw: () => readFolder(device.fsDir) },
    { store: 'IdbLocalStore' as const, open: () => openIdb(device), raw: () => readIdb(device) },
  ].filter((kind) => kind.store === 'FsLocalStore' || device.idbFactory)
  const reps = ctx.quick ? 1 : 3
  const out: ColdStartFigures[] = []
  ctx.progress.phase('Local cold start', kinds.length * (reps + 2))
  for (const kind of kinds) {
    const lists: number[] = []
    const entries: number[] = []
    for (let r = 0; r < reps; r++) {
      const once = await coldOpen(device, kind.open, false)
      lists.push(once.listMs)
      entries.push(once.entryMs)
      ctx.progress.tick()
    }
    const { allMs } = await coldOpen(device, kind.open, true)
    ctx.progress.tick()
    const rawReadMs = await medianTime(reps, kind.raw)
    ctx.progress.tick()
    const f: ColdStartFigures = {
      store: kind.store,
      listMs: median(lists),
      entryMs: median(entries),
      allMs,
      rawReadMs,
    }
    const key = kind.store === 'FsLocalStore' ? 'fs' : 'idb'
    ctx.figures.set(`cold.${key}.listMs`, f.listMs)
    ctx.figures.set(`cold.${key}.allMs`, f.allMs)
    out.push(f)
  }
  ctx.figures.set('disk.fs.bytes', device.fsBytes)
  return out
}

/** Opens store and engine; times list() ready and one entry (or every entry) open. */
async function coldOpen(
  device: LocalDevice,
  open: () => Promise<LocalStore>,
  every: boolean,
): Promise<{ listMs: number; entryMs: number; allMs: number }> {
  collectGarbage()
  return timeColdStart({
    open,
    engine: (local) => openEngine(device, local),
    entries: device.diary.entries.length,
    target: middleEntry(device),
    every,
  })
}

/** What a cold start measures, in this process or a device process of its own. */
export interface ColdStartTiming {
  open: () => Promise<LocalStore>
  engine: (local: LocalStore) => Promise<SyncEngine>
  /** Entries the list must hold. */
  entries: number
  /** An entry to open, and what it must read back as. */
  target: { id: string; fingerprint: string }
  /** Open every listed entry once after the first. */
  every: boolean
}

/** What `cold-start-child.ts` is asked: the device's folder and pool root, and what to time. */
export type ColdStartTask = Pick<ColdStartTiming, 'entries' | 'target' | 'every'> & {
  dir: string
  root: string
}

/** Times from opening the store: list() ready, one entry open, optionally every entry opened; checks what it read. */
export async function timeColdStart(
  t: ColdStartTiming,
): Promise<{ listMs: number; entryMs: number; allMs: number }> {
  const start = now()
  const local = await t.open()
  const engine = await t.engine(local)
  const listed = engine.list()
  const listMs = now() - start
  const doc = await engine.doc(t.target.id)
  const entryMs = now() - start
  const ok = entryFingerprint(readEntry(doc)) === t.target.fingerprint
  doc.destroy()
  let allMs = 0
  if (t.every) {
    for (const { id } of listed) (await engine.doc(id)).destroy()
    allMs = now() - start
  }
  await engine.close()
  await local.close()
  if (listed.length !== t.entries)
    throw new Error(`cold start: listed ${listed.length} of ${t.entries} entries`)
  if (!ok) throw new Error(`cold start: entry ${t.target.id} does not read back as written`)
  return { listMs, entryMs, allMs }
}

/** The entry a cold start opens: the diary's middle one. */
function middleEntry(device: LocalDevice): { id: string; fingerprint: string } {
  const target = device.diary.entries[Math.floor(device.diary.entries.length / 2)]!
  return { id: target.id, fingerprint: entryFingerprint(target) }
}

async function readFolder(dir: string): Promise<number> {
  let bytes = 0
  for (const name of await readdir(dir)) bytes += (await readFile(join(dir, name))).length
  return bytes
}

async function readIdb(device: LocalDevice): Promise<number> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = device.idbFactory!.open(device.idbName)
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
  const values = await new Promise<unknown[]>((resolve, reject) => {
    const request = db.transaction('kv', 'readonly').objectStore('kv').getAll()
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
  db.close()
  return values.length
}

/** The cold-start table. */
export function coldStartResult(ctx: BenchContext, runs: ColdStartFigures[]): ScenarioResult {
  const rows: Row[] = []
  const n = ctx.size.toLocaleString('en')
  for (const r of runs) {
    const raw = fig(r.rawReadMs, 'ms')
    const against = r.store === 'FsLocalStore' ? 'reading every file raw' : 'one getAll() of the store'
    rows.push(
      compareRow(`${r.store}: list() of ${n} ready`, fig(r.listMs, 'ms'), raw, against, undefined),
      compareRow(`${r.store}: one entry open`, fig(r.entryMs, 'ms'), raw, against, undefined),
      compareRow(`${r.store}: every entry opened once`, fig(r.allMs, 'ms'), raw, against, undefined),
    )
  }
  return {
    id: 'cold-start',
    title: '5. Local cold start',
    about:
      `A device holding ${n} entries is reopened from its LocalStore: store and engine opened until \`list()\` ` +
      'returns every entry, then until one entry is open (times from the start), and, once, until every entry has ' +
      `been opened and released. Median of ${ctx.quick ? 1 : 3} runs. The issue sets no target here; y-indexeddb ` +
      'is compared in 6d. fake-indexeddb runs in memory, so IndexedDB figures are CPU cost, not disk.',
    rows,
    notes: [],
    raw: { runs },
  }
}

/** A device's FsLocalStore to start cold: a {@link ColdStartTask} but whether to open every entry. */
export type ColdStartDevice = Omit<ColdStartTask, 'every'>

/** The cold start of `device`'s FsLocalStore, as `cold-start-child.ts` is asked it (its every-entry run aside). */
export function coldStartTask(device: LocalDevice): ColdStartDevice {
  return {
    dir: device.fsDir,
    root: device.root,
    entries: device.diary.entries.length,
    target: middleEntry(device),
  }
}

/**
 * FsLocalStore cold starts of several devices, each in a process of its own
 * (`cold-start-child.ts`): `reps` rounds, each starting every device once
 * until one entry is open and once until every entry is opened, device after
 * device, so that all devices meet the machine alike. Medians per device.
 */
export async function coldStartsInChildren(
  progress: Progress,
  tasks: ColdStartDevice[],
  reps: number,
): Promise<Array<{ listMs: number; entryMs: number; allMs: number }>> {
  const run = async (task: ColdStartDevice, every: boolean) => {
    const out = await runBenchChild('cold-start-child.ts', 'the cold start', {
      BENCH_COLD_START: JSON.stringify({ ...task, every } satisfies ColdStartTask),
    })
    return JSON.parse(out) as { listMs: number; entryMs: number; allMs: number }
  }
  progress.phase(
    `Local cold starts in device processes (${tasks.length} sizes, ${reps} rounds)`,
    reps * tasks.length,
  )
  const once = tasks.map(() => [] as Array<{ listMs: number; entryMs: number }>)
  const every = tasks.map(() => [] as number[])
  for (let r = 0; r < reps; r++) {
    for (const [i, task] of tasks.entries()) {
      once[i]!.push(await run(task, false))
      every[i]!.push((await run(task, true)).allMs)
      progress.tick()
    }
  }
  return tasks.map((_, i) => ({
    listMs: median(once[i]!.map((o) => o.listMs)),
    entryMs: median(once[i]!.map((o) => o.entryMs)),
    allMs: median(every[i]!),
  }))
}
