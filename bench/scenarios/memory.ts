/**
 * Scenario 4, memory: the heap (after garbage collection) of a device with
 * every entry listed and 20 open, against the summed encoded size of the
 * entries. The device reads an FsLocalStore, which keeps only an index of
 * its file in memory, so the figure is the engine's own.
 */

import { setFlagsFromString } from 'node:v8'
import type * as Y from 'yjs'
import { type LocalDevice, openEngine, openFs } from '../local-device.ts'
import { canCollectGarbage, compareRow, fig, settleHeap } from '../measure.ts'
import type { BenchContext, ScenarioResult } from '../types.ts'

/** Entries open at once. */
export const OPEN_ENTRIES = 20

/** Heap growth of the device. */
export interface MemoryFigures {
  /** Heap growth with every entry listed. */
  listedBytes: number
  /** Heap growth with every entry listed and OPEN_ENTRIES open. */
  openBytes: number
  /** Sum of the entries' encoded states. */
  encodedBytes: number
  listed: number
  gc: boolean
}

/** Opens the device, lists, opens 20 entries; heap deltas after GC. */
export async function measureMemory(ctx: BenchContext, device: LocalDevice): Promise<MemoryFigures> {
  ctx.progress.phase('Memory', 2)
  // Bytecode flushing would free memory during the measurement and hide the engine's own.
  setFlagsFromString('--no-flush-bytecode')
  const before = await settleHeap()
  const local = await openFs(device)
  const engine = await openEngine(device, local)
  const listed = engine.list()
  const afterList = await settleHeap()
  ctx.progress.tick()
  const open: Y.Doc[] = []
  const step = Math.max(1, Math.floor(device.diary.entries.length / OPEN_ENTRIES))
  for (let i = 0; i < device.diary.entries.length && open.length < OPEN_ENTRIES; i += step) {
    open.push(await engine.doc(device.diary.entries[i]!.id))
  }
  const afterOpen = await settleHeap()
  ctx.progress.tick()
  // `listed` and `open` stay reachable until here, so the heap figures include them.
  const count = listed.length
  setFlagsFromString('--flush-bytecode')
  for (const doc of open) doc.destroy()
  await engine.close()
  await local.close()
  return {
    listedBytes: afterList - before,
    openBytes: afterOpen - before,
    encodedBytes: device.diary.stateBytes,
    listed: count,
    gc: canCollectGarbage(),
  }
}

/** The memory table. */
export function memoryResult(f: MemoryFigures): ScenarioResult {
  return {
    id: 'memory',
    title: '4. Memory',
    about:
      `Heap growth (\`process.memoryUsage().heapUsed\` after \`gc()\`) of an engine opened on an FsLocalStore ` +
      `holding ${f.listed.toLocaleString('en')} entries, with \`list()\` taken and ${OPEN_ENTRIES} entries open, ` +
      'against the summed encoded size of the entries (`Y.encodeStateAsUpdate`).' +
      (f.gc ? '' : ' **Run without --expose-gc: figures include garbage.**'),
    rows: [
      compareRow(
        `${f.listed.toLocaleString('en')} listed, ${OPEN_ENTRIES} open`,
        fig(f.openBytes, 'B'),
        fig(f.encodedBytes, 'B'),
        'encoded size of the entries',
        {
          text: '≤ 3×',
          maxRatio: 3,
        },
      ),
      compareRow(
        `${f.listed.toLocaleString('en')} listed, none open`,
        fig(f.listedBytes, 'B'),
        fig(f.encodedBytes, 'B'),
        'encoded size of the entries',
        undefined,
      ),
    ],
    notes: [],
    raw: { ...f },
  }
}
