/**
 * Many devices over one MemoryCloud with faults: random interleavings of
 * edits, syncs, compaction, GC, crashes, offline periods and master resets.
 * After healing, every device must show the same documents, and every edit
 * flushed before a crash must be present unless a master reset replaced it.
 */
import fc from 'fast-check'
import { describe, it } from 'vitest'
import { command, run, tally } from './model.ts'

const RUNS = Number(process.env.PROPERTY_RUNS ?? (process.env.SOAK ? 5000 : 200))
const WIDE_RUNS = Number(process.env.PROPERTY_WIDE_RUNS ?? (process.env.SOAK ? 500 : 20))

/** Replay a failure with the seed and path it printed: PROPERTY_SEED=… PROPERTY_PATH=… MODEL_DEBUG=1 */
const replay = process.env.PROPERTY_SEED
  ? { seed: Number(process.env.PROPERTY_SEED), path: process.env.PROPERTY_PATH }
  : {}

describe('many devices over one MemoryCloud with faults', () => {
  it(`converge and keep every flushed edit (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 2, max: 8 }).chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.array(command(n), {
              minLength: 5,
              maxLength: Number(process.env.PROPERTY_STEPS ?? 60),
              size: 'max',
            }),
          ),
        ),
        async (seed, [devices, commands]) => run(seed, devices, commands),
      ),
      { numRuns: RUNS, verbose: 1, ...replay },
    )
    console.log(`property runs: ${JSON.stringify(tally)}`)
  })

  it(`converge at 12 devices too (${WIDE_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(command(12), { minLength: 20, maxLength: 100, size: 'max' }),
        async (seed, commands) => run(seed, 12, commands),
      ),
      { numRuns: WIDE_RUNS, verbose: 1, ...replay },
    )
    console.log(`property runs at 12 devices: ${JSON.stringify(tally)}`)
  })
})
