/** Builds the context the scenarios share: the diary, the emulator, a scratch folder. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Diary, generateDiary } from './data.ts'
import { startRemote } from './remote.ts'
import type { BenchContext, Progress } from './types.ts'

/** Options of {@link createContext}. */
export interface ContextOptions {
  size: number
  quick: boolean
  /** Edits per entry. Default 20. */
  editsPerEntry?: number
  /** Saves in the propagation scenario, per configuration. Default 200 (20 when quick). */
  saves?: number
  /** Time budget of each slow peer. Default 60 s (15 s when quick). */
  peerBudgetMs?: number
  /** Seed of the diary. Default 1. */
  seed?: number
  /** Where the emulator runs. Default `'process'`. */
  emulator?: 'process' | 'in-process'
  /** Profile the bootstrap with `node --cpu-prof`. Default true. */
  profile?: boolean
  /** Fleet sizes of the devices scenario. Default 2, 10 and 50. */
  deviceCounts?: number[]
  /** Simulated hours each idle fleet is watched. Default 1 (0.1 when quick). */
  idleHours?: number
  progress?: Progress
}

/** The context and the function that releases it. */
export async function createContext(
  options: ContextOptions,
): Promise<{ ctx: BenchContext; dispose: () => Promise<void> }> {
  const editsPerEntry = options.editsPerEntry ?? 20
  const seed = options.seed ?? 1
  const tmp = await mkdtemp(join(tmpdir(), 'y-dropbox-bench-'))
  const where = options.emulator ?? 'process'
  const remote = await startRemote(where)
  let full: Diary | undefined
  const ctx: BenchContext = {
    size: options.size,
    editsPerEntry,
    quick: options.quick,
    saves: options.saves ?? (options.quick ? 20 : 200),
    peerBudgetMs: options.peerBudgetMs ?? (options.quick ? 15_000 : 60_000),
    diary(n = options.size) {
      const largest = Math.max(n, options.size)
      if (!full || full.entries.length < largest) {
        full = generateDiary({ entries: largest, editsPerEntry, seed })
      }
      return n === full.entries.length ? full : subset(full, n)
    },
    remote,
    emulator: where,
    tmp,
    progress: options.progress ?? { phase: () => {}, tick: () => {} },
    figures: new Map(),
    profile: options.profile ?? true,
    devices: {
      counts: options.deviceCounts ?? [2, 10, 50],
      idleHours: options.idleHours ?? (options.quick ? 0.1 : 1),
    },
  }
  const dispose = async () => {
    await remote.close()
    await rm(tmp, { recursive: true, force: true })
  }
  return { ctx, dispose }
}

/** The first `n` entries of a diary (the generator draws entries in order, so they are the same). */
function subset(diary: Diary, n: number): Diary {
  const entries = diary.entries.slice(0, n)
  let stateBytes = 0
  let updateBytes = 0
  let edits = 0
  for (const e of entries) {
    stateBytes += e.state.length
    edits += e.updates.length
    for (const u of e.updates) updateBytes += u.length
  }
  return { seed: diary.seed, entries, edits, stateBytes, updateBytes }
}
