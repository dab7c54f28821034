/**
 * A cold start of a device's FsLocalStore in a process of its own, run by
 * `growth.ts`: as on a real device, whose heap does not hold the benchmark's
 * diary and pools (at 100,000 entries that heap made every collection slower).
 * Reads its task from `BENCH_COLD_START` and prints the times as JSON.
 */
import { MemoryCloud, SyncEngine } from '@y-dropbox/core'
import { FsLocalStore } from '@y-dropbox/core/node'
import { entryFingerprint, readEntry, summarizeEntry } from './data.ts'

/** What the parent asks (see `coldStartInChild` in scenarios/cold-start.ts). */
export interface ColdStartTask {
  dir: string
  root: string
  entries: number
  /** An entry to open, and what it must read back as. */
  target: { id: string; fingerprint: string }
  /** Open every entry once after the list. */
  every: boolean
}

const raw = process.env.BENCH_COLD_START
if (!raw)
  throw new Error('cold-start-child.ts is run by bench/growth.ts; run `pnpm bench -- --growth` instead')
const task = JSON.parse(raw) as ColdStartTask
const start = performance.now()
const local = await FsLocalStore.open({ dir: task.dir })
const engine = await SyncEngine.open({
  remote: new MemoryCloud().connect(),
  local,
  root: task.root,
  autoSync: false,
  summarize: summarizeEntry,
  onError: () => {},
})
const listed = engine.list()
const listMs = performance.now() - start
const doc = await engine.doc(task.target.id)
const entryMs = performance.now() - start
const readBack = entryFingerprint(readEntry(doc)) === task.target.fingerprint
doc.destroy()
let allMs = 0
if (task.every) {
  for (const { id } of listed) (await engine.doc(id)).destroy()
  allMs = performance.now() - start
}
await engine.close()
await local.close()
if (listed.length !== task.entries)
  throw new Error(`cold start: listed ${listed.length} of ${task.entries} entries`)
if (!readBack) throw new Error(`cold start: entry ${task.target.id} does not read back as written`)
process.stdout.write(`${JSON.stringify({ listMs, entryMs, allMs })}\n`)
