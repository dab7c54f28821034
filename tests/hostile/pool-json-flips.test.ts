/**
 * A flipped bit in the poolId of pool.json of a pool without a passphrase
 * (found by the fuzz suite): naming another pool while this pool's files are
 * still there is damage — sync pauses with a message and resumes once
 * pool.json is repaired — not a deleted pool. (A flipped epoch still reads as
 * a new master in a plain pool; encrypted pools refuse both.)
 */
import './fast-digest.ts'
import { MemoryLocalStore } from '@y-dropbox/core'
import { afterEach, beforeAll, expect, it } from 'vitest'
import { Bench, buildBaseline, openEngine, ROOT } from './fuzz-pool.ts'

let bench: Bench
beforeAll(async () => {
  bench = await Bench.create(await buildBaseline())
})
afterEach(async () => {
  await bench.reset()
})

it('a flipped bit in the poolId of pool.json is damage, not a deleted pool', async () => {
  const file = bench.base.files.find((f) => f.meta.path === `${ROOT}/pool.json`)!
  const text = new TextDecoder().decode(file.data)
  const poolId = JSON.parse(text).poolId as string
  const flipped = poolId.replace(/[a-z]/, (c) => String.fromCharCode(c.charCodeAt(0) ^ 2))
  await bench.write([[file.meta.path, new TextEncoder().encode(text.replace(poolId, flipped))]])
  const local = new MemoryLocalStore({ entries: bench.base.victim })
  const victim = await openEngine(bench.clients.victim, local, () => bench.base.now + 60_000)
  await victim.syncNow().catch(() => {})
  expect(victim.status.state).not.toBe('inactive')
  expect(victim.status.message).toMatch(/damaged|altered/)
  await bench.write([[file.meta.path, file.data]])
  await victim.syncNow()
  expect(victim.status.state).toBe('idle')
})
