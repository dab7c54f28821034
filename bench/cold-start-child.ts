/**
 * A cold start of a device's FsLocalStore in a process of its own, run by
 * `growth.ts`: as on a real device, whose heap does not hold the benchmark's
 * diary and pools (at 100,000 entries that heap made every collection slower).
 * Reads its task from `BENCH_COLD_START` and prints the times as JSON.
 */
import { MemoryCloud } from '@y-dropbox/core'
import { openEngine, openFs } from './local-device.ts'
import { type ColdStartTask, timeColdStart } from './scenarios/cold-start.ts'

const raw = process.env.BENCH_COLD_START
if (!raw)
  throw new Error('cold-start-child.ts is run by bench/growth.ts; run `pnpm bench -- --growth` instead')
const task = JSON.parse(raw) as ColdStartTask
const device = { fsDir: task.dir, cloud: new MemoryCloud(), root: task.root }
const times = await timeColdStart({
  open: () => openFs(device),
  engine: (local) => openEngine(device, local),
  entries: task.entries,
  target: task.target,
  every: task.every,
})
process.stdout.write(`${JSON.stringify(times)}\n`)
