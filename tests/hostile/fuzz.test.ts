/**
 * Fuzzing the remote files of a pool: log batches, shards, snapshot
 * manifests, pool.json and device records get bit flips, truncation,
 * extension, random bytes, swaps, replays of older files, copies to other
 * devices' paths, wrong-typed JSON fields and future format versions. A
 * device that is behind, or a new device joining, then syncs. It must never
 * crash, only reject with typed errors, keep syncing what was not damaged,
 * keep its documents as they were or as a clean sync leaves them, and
 * converge once the pool is repaired.
 *
 * Counts: 10,000 cases by default, ×10 with SOAK=1 (or FUZZ_SCALE=n).
 * Replay a failure: FUZZ_SEED=<seed> FUZZ_PATH=<path> as printed by fast-check.
 */
import './fast-digest.ts'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CaseSetup, runCase } from './fuzz-case.ts'
import { Bench, buildBaseline } from './fuzz-pool.ts'
import { mutation } from './mutations.ts'

const SCALE = Number(process.env.FUZZ_SCALE ?? (process.env.SOAK ? 10 : 1))
/** A case takes a few ms; allow 25 ms each on a busy machine. */
const timeout = (runs: number) => 60_000 + runs * 25

/** Faults that escaped every promise: counted here, and vitest fails the run on them too. */
const escaped = { uncaughtException: 0, unhandledRejection: 0 }
const onUncaught = () => escaped.uncaughtException++
const onUnhandled = () => escaped.unhandledRejection++
const tally = new Map<string, number>()
const count = (key: string) => tally.set(key, (tally.get(key) ?? 0) + 1)
let bench: Bench
let total = 0

beforeAll(async () => {
  process.on('uncaughtException', onUncaught)
  process.on('unhandledRejection', onUnhandled)
  bench = await Bench.create(await buildBaseline())
})

afterAll(() => {
  process.off('uncaughtException', onUncaught)
  process.off('unhandledRejection', onUnhandled)
  const lines = [...tally].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `  ${k}: ${v}`)
  console.log(`fuzz: ${total} cases, escaped ${JSON.stringify(escaped)}\n${lines.join('\n')}`)
})

/** Runs `runs` cases with one setup and checks nothing escaped. */
async function fuzz(runs: number, setup: CaseSetup): Promise<void> {
  let seq = 0
  await fc.assert(
    fc.asyncProperty(mutation, async (m) => {
      const outcome = await runCase(bench, m, setup, ++seq)
      total++
      count(`mutation ${m.t} on ${outcome.applied.kind}`)
      count(`${setup.victim} victim, first sync: ${outcome.first}`)
      count(`${setup.victim} victim, fresh edit arrived: ${outcome.arrived}`)
      if (outcome.applied.forgery) count('undetectable without encryption (checked for crashes only)')
      for (const gap of outcome.gaps) count(`known gap met (relaxed): ${gap}`)
    }),
    {
      numRuns: runs,
      ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED), path: process.env.FUZZ_PATH } : {}),
    },
  )
  expect(escaped).toEqual({ uncaughtException: 0, unhandledRejection: 0 })
}

describe('hostile remote files', () => {
  const behind = 6500 * SCALE
  const joining = 2000 * SCALE
  const repaired = 1000 * SCALE
  const joinRepaired = 500 * SCALE

  it(
    `a device that is behind shrugs them off (${behind} cases)`,
    async () => {
      await fuzz(behind, { victim: 'behind', repair: false })
    },
    timeout(behind),
  )

  it(
    `a new device joining shrugs them off (${joining} cases)`,
    async () => {
      await fuzz(joining, { victim: 'new', repair: false })
    },
    timeout(joining),
  )

  it(
    `once the pool is repaired, a device that was behind converges by itself (${repaired} cases)`,
    async () => {
      await fuzz(repaired, { victim: 'behind', repair: true })
    },
    timeout(repaired),
  )

  it(
    `once the pool is repaired, a new device converges (${joinRepaired} cases)`,
    async () => {
      await fuzz(joinRepaired, { victim: 'new', repair: true })
    },
    timeout(joinRepaired),
  )
})
