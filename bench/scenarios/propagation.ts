/**
 * Scenario 3, propagation: device A saves, device B's `docs` event fires.
 * p50/p95 over many saves, with the emulator at 0 ms and 50 ms of injected
 * latency, B watching (long-poll) or polling. Baseline: one round trip.
 */
import { type BlobStore, SyncEngine } from '@y-dropbox/core'
import * as prng from 'lib0/prng'
import * as Y from 'yjs'
import { FIELDS_MAP } from '../data.ts'
import { compareRow, fig, median, now, percentile, sleep, timed } from '../measure.ts'
import { engineOptions } from '../pool.ts'
import { callsBetween, openStore, withoutWatch } from '../remote.ts'
import type { BenchContext, Row, ScenarioResult } from '../types.ts'

/** Debounce between a change and its push. */
export const PUSH_DELAY_MS = 50
/** Debounce between a change and its local write (the engine's default). */
export const FLUSH_DELAY_MS = 20
/** Polling interval of the polling configurations (the engine's default is 30 s). */
export const POLL_INTERVAL_MS = 250
/** A save not seen within this time counts as lost. */
const SAVE_TIMEOUT_MS = 30_000

/** One propagation configuration: latency of every request, long-poll or polling, and Dropbox weather. */
export interface PropagationConfig {
  latencyMs: number
  watch: boolean
  /** One request in this many answers 429 with `Retry-After: 1`. */
  rateLimitOneIn?: number
  /** Share of `ctx.saves` this configuration makes (slow ones make fewer). Default 1. */
  share?: number
}

/** The figures of one configuration. */
export interface PropagationFigures extends PropagationConfig {
  saves: number
  lost: number
  /** Remote calls of both devices per save, long-polls included. */
  callsPerSave: number
  /** The same by route. */
  routesPerSave: Record<string, number>
  p50: number
  p95: number
  roundTripMs: number
}

/** Measures one configuration on a fresh pool of a few entries. */
export async function measurePropagation(
  ctx: BenchContext,
  config: PropagationConfig,
  index: number,
): Promise<PropagationFigures> {
  const saves = Math.max(2, Math.round(ctx.saves * (config.share ?? 1)))
  const root = `/bench-propagation-${index}`
  const entries = ctx.diary(Math.min(10, ctx.size)).entries
  const storeA = await openStore(ctx.remote)
  const storeB = await openStore(ctx.remote)
  const knobs = {
    autoSync: true,
    pushDelayMs: PUSH_DELAY_MS,
    flushDelayMs: FLUSH_DELAY_MS,
    pollIntervalMs: POLL_INTERVAL_MS,
  }
  const remote = (store: BlobStore) => (config.watch ? store : withoutWatch(store))
  const a = await SyncEngine.open({ ...engineOptions(storeA, root, 'A'), ...knobs, remote: remote(storeA) })
  const b = await SyncEngine.open({ ...engineOptions(storeB, root, 'B'), ...knobs, remote: remote(storeB) })
  if (config.latencyMs > 0) await ctx.remote.addFault({ fault: 'latency', latencyMs: config.latencyMs })
  try {
    for (const entry of entries) Y.applyUpdate(await a.doc(entry.id), entry.state)
    await a.activate()
    await b.activate()
    const pool = `${root}/pool.json`
    const trips: number[] = []
    for (let i = 0; i < 10; i++) trips.push((await timed(() => storeB.get(pool))).ms)
    // Weather comes after the round trip is measured, so a 429 does not count as a slow round trip.
    if (config.rateLimitOneIn) {
      const probability = 1 / config.rateLimitOneIn
      await ctx.remote.addFault({ fault: 'rate-limit', retryAfterSeconds: 1, probability })
    }
    const gen = prng.create(index + 1)
    const times: number[] = []
    let lost = 0
    ctx.progress.phase(`Propagation, ${configLabel(config)}`, saves)
    const before = await ctx.remote.stats()
    for (let s = 0; s < saves; s++) {
      // A user saves now and then, not during the previous save's sync: let A finish
      // (with long-poll, A's own upload wakes it for one more round) ...
      await idle(a)
      await sleep(2 * median(trips) + 30)
      await idle(a)
      // The baseline is measured among the saves, under the machine's load of the moment, not only before
      // them. A 429 is not a round trip: runs with rate limits keep the trips measured before the weather.
      if (!config.rateLimitOneIn) trips.push((await timed(() => storeB.get(pool))).ms)
      // ... and at a random moment of the polling cycle.
      if (!config.watch) await sleep(prng.int32(gen, 0, POLL_INTERVAL_MS))
      const id = entries[s % entries.length]!.id
      const seen = waitForRemote(b, id)
      const start = now()
      const doc = await a.doc(id)
      doc.getMap(FIELDS_MAP).set('pain', s % 11)
      const at = await seen
      if (at === undefined) lost++
      else times.push(at - start)
      ctx.progress.tick()
    }
    const calls = callsBetween(before, await ctx.remote.stats())
    return {
      ...config,
      saves,
      callsPerSave: calls.calls / saves,
      routesPerSave: Object.fromEntries(
        Object.entries(calls.routes).map(([route, n]) => [route, Math.round((n / saves) * 10) / 10]),
      ),
      lost,
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      roundTripMs: median(trips),
    }
  } finally {
    await ctx.remote.clearFaults()
    await a.close()
    await b.close()
  }
}

/** How a configuration is named in tables: `150 ms latency, long-poll, 1 in 50 requests 429`. */
export function configLabel(c: PropagationConfig): string {
  const how = c.watch ? 'long-poll' : `polling every ${POLL_INTERVAL_MS} ms`
  const weather = c.rateLimitOneIn ? `, 1 in ${c.rateLimitOneIn} requests 429` : ''
  return `${c.latencyMs} ms latency, ${how}${weather}`
}

/** Resolves once the engine is not in a sync round. */
async function idle(engine: SyncEngine): Promise<void> {
  for (let waited = 0; engine.status.state === 'syncing' && waited < SAVE_TIMEOUT_MS; waited += 5)
    await sleep(5)
}

/** Resolves with the time B's `docs` event names `id` from a remote change, or undefined after the timeout. */
function waitForRemote(engine: SyncEngine, id: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const listener = (event: { origin: string; added: string[]; changed: string[] }) => {
      if (event.origin !== 'remote' || !(event.changed.includes(id) || event.added.includes(id))) return
      finish(now())
    }
    const timer = setTimeout(() => finish(undefined), SAVE_TIMEOUT_MS)
    const finish = (at: number | undefined) => {
      clearTimeout(timer)
      engine.off('docs', listener)
      resolve(at)
    }
    engine.on('docs', listener)
  })
}

/** The propagation table. */
export function propagationResult(runs: PropagationFigures[]): ScenarioResult {
  const rows: Row[] = []
  for (const r of runs) {
    const label = configLabel(r)
    const limit = PUSH_DELAY_MS + FLUSH_DELAY_MS + 4 * r.roundTripMs
    const target =
      r.watch && !r.rateLimitOneIn
        ? { text: `p50 ≤ delays + 4 round trips (${limit.toFixed(0)} ms)`, limit }
        : undefined
    rows.push(
      compareRow(`${label}: p50`, fig(r.p50, 'ms'), fig(r.roundTripMs, 'ms'), 'one round trip', target),
    )
    rows.push(
      compareRow(`${label}: p95`, fig(r.p95, 'ms'), fig(r.roundTripMs, 'ms'), 'one round trip', undefined),
    )
    rows.push({
      scenario: `${label}: calls per save, both devices`,
      ours: fig(r.callsPerSave, 'calls'),
      against: '—',
      target: '—',
    })
  }
  const lost = runs.reduce((n, r) => n + r.lost, 0)
  return {
    id: 'propagation',
    title: '3. Propagation: A saves, B sees it',
    about:
      `Device A edits one field; the time until device B's \`docs\` event names the entry. ${runs[0]?.saves ?? 0} ` +
      `saves per configuration (fewer at 150 ms), background sync on both devices (push delay ${PUSH_DELAY_MS} ms after the engine's ` +
      `${FLUSH_DELAY_MS} ms write delay, so "delays" below is ${PUSH_DELAY_MS + FLUSH_DELAY_MS} ms). Latency is ` +
      "injected by the emulator on every request. Saves are spaced like a user's: each waits until A has " +
      'finished syncing the previous one, and with polling (on both devices) lands at a random moment of the ' +
      'cycle. A round trip is the median of small downloads at that latency: ten before the saves and one ' +
      'between each two saves, so it is measured under the same load as they are (with weather, the ten ' +
      'before only, as a 429 is no round trip). Weather: one request in 50 ' +
      '(any route) answers 429 with `Retry-After: 1`, which the provider waits out before retrying.',
    rows,
    notes: [
      'Round trips of one save with long-poll. Writer A: its round starts before the push delay runs out (by twice ' +
        'what its rounds took lately before uploading, at most half the delay), reads `pool.json` and the listing ' +
        'together (nothing is written before the pool is verified) and seals the batch; the upload (1) leaves when ' +
        'the delay has run out. Reader B: its long-poll answers when the upload commits (on Dropbox about half a ' +
        "round trip; none here, as the emulator's latency comes before it handles a request), then the listing and " +
        "A's next batch, read together (1: the batch is read ahead, its path being known; `pool.json` is taken from " +
        'the listing, which shows it at the revision B verified less than a minute ago), then the apply. So 2 round ' +
        'trips after the delays here, 2.5 on Dropbox; what is left ' +
        "above them is each side's work between calls and the load of the machine (both devices and the emulator " +
        'share its cores).',
      ...runs.map(
        (r) =>
          `Calls per save, ${configLabel(r)}: ${Object.entries(r.routesPerSave)
            .map(([route, n]) => `${route} ${n}`)
            .join(', ')}.`,
      ),
      ...(lost > 0
        ? [
            `${lost} saves were not seen within ${SAVE_TIMEOUT_MS / 1000} s and are left out of the percentiles.`,
          ]
        : []),
    ],
    raw: { runs, pushDelayMs: PUSH_DELAY_MS, flushDelayMs: FLUSH_DELAY_MS, pollIntervalMs: POLL_INTERVAL_MS },
  }
}
