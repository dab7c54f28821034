/**
 * Scenario 8, devices: 2, 10 and 50 devices on one emulator. One save's time
 * until every other device has it (p50, p95) and the calls of all devices per
 * save; then the idle cost: calls per device per hour with nothing changing,
 * watching (long-poll) and polling.
 *
 * The idle hour runs on a clock 60 times faster than real time (polling, being
 * regular, a tenth of an hour 10 times faster): every timer
 * the engine and the emulator use while idle is scaled by the same factor
 * (the engine's clock, its polling interval and idle round, the long-poll's
 * timeout through the emulator's cap), so one minute shows one hour's calls.
 */
import type { SyncEngineOptions } from '@y-dropbox/core'
import { allIdle, closeFleet, openFleet, saveAndWait } from '../device-fleet.ts'
import { compareRow, fig, percentile, sleep } from '../measure.ts'
import { callsBetween, startRemote } from '../remote.ts'
import type { BenchContext, Row, ScenarioResult } from '../types.ts'
import { FLUSH_DELAY_MS, PUSH_DELAY_MS } from './propagation.ts'

/** How much faster than real time the idle clock runs, watching and polling. */
export const IDLE_SPEEDUP = 60
const POLL_SPEEDUP = 10
/** The engine's default polling interval, and the provider's default long-poll timeout (ms). */
const POLL_MS = 30_000
const LONGPOLL_MS = 120_000
/** The engine's default idle round (ms). */
const IDLE_ROUND_MS = 30 * 60_000
/**
 * The rate-limit budget assumed per Dropbox user: 600 calls a minute. Dropbox
 * publishes no figure; this is the limit a Dropbox integration measured
 * (projectkudu/kudu#372), and Dropbox says its limits are per user and
 * "relatively generous" (dropbox/dropbox-sdk-dotnet#36, the DBX Performance Guide).
 */
export const ASSUMED_BUDGET_PER_HOUR = 600 * 60
/** The idle cost target per device and hour, watching. */
const IDLE_TARGET = 60

/** Figures of one fleet size. */
export interface DevicesFigures {
  devices: number
  saves: number
  lost: number
  p50: number
  p95: number
  callsPerSave: number
  routesPerSave: Record<string, number>
  idle: IdleFigures[]
}

/** Idle calls of one fleet. */
export interface IdleFigures {
  watch: boolean
  /** Simulated time measured, in hours. */
  hours: number
  perDeviceHour: number
  routes: Record<string, number>
}

/** Measures every fleet size. */
export async function measureDevices(ctx: BenchContext): Promise<DevicesFigures[]> {
  const out: DevicesFigures[] = []
  for (const count of ctx.devices.counts) {
    const saves = ctx.quick ? 3 : count >= 50 ? 20 : 30
    ctx.progress.phase(`${count} devices: joining, then ${saves} saves`, count + saves)
    const engines = await openFleet(ctx, ctx.remote, {
      root: `/bench-devices-${count}`,
      count,
      watch: true,
      knobs: { autoSync: true, pushDelayMs: PUSH_DELAY_MS, flushDelayMs: FLUSH_DELAY_MS },
    })
    const ids = ctx.diary(Math.min(10, ctx.size)).entries.map((e) => e.id)
    const times: number[] = []
    let lost = 0
    const before = await ctx.remote.stats()
    try {
      for (let s = 0; s < saves; s++) {
        await allIdle(engines)
        await sleep(30)
        const at = await saveAndWait(engines, s % count, ids[s % ids.length]!, s % 11)
        if (at === undefined) lost++
        else times.push(at)
        ctx.progress.tick()
      }
      await allIdle(engines)
    } finally {
      await closeFleet(engines)
    }
    const calls = callsBetween(before, await ctx.remote.stats())
    const idle = [await measureIdle(ctx, count, true), await measureIdle(ctx, count, false)]
    out.push({
      devices: count,
      saves,
      lost,
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      callsPerSave: calls.calls / saves,
      routesPerSave: Object.fromEntries(
        Object.entries(calls.routes).map(([r, n]) => [r, Math.round((n / saves) * 10) / 10]),
      ),
      idle,
    })
  }
  return out
}

/**
 * Calls of `count` idle devices over `ctx.devices.idleHours` simulated hours
 * when watching; polling is regular (one round per interval), so a tenth of
 * that at a slower clock is enough, and keeps 50 devices' rounds from
 * crowding the process (which would undercount them).
 */
async function measureIdle(ctx: BenchContext, count: number, watch: boolean): Promise<IdleFigures> {
  const speedup = watch ? IDLE_SPEEDUP : POLL_SPEEDUP
  const hours = watch ? ctx.devices.idleHours : ctx.devices.idleHours / 10
  const windowMs = (hours * 3_600_000) / speedup
  ctx.progress.phase(`${count} devices idle, ${watch ? 'long-poll' : 'polling'}`, count + 1)
  const host = await startRemote(ctx.emulator, { maxLongpollMs: LONGPOLL_MS / speedup })
  const t0 = Date.now()
  const knobs: Partial<SyncEngineOptions> = {
    autoSync: true,
    now: () => t0 + (Date.now() - t0) * speedup,
    pollIntervalMs: POLL_MS / speedup,
    idleRoundMs: IDLE_ROUND_MS / speedup,
    retryDelayMs: { base: 1000 / speedup, max: 60_000 / speedup },
  }
  const engines = await openFleet(ctx, host, { root: '/bench-idle', count, watch, knobs })
  try {
    // The joins' own writes wake the others once: let that settle before counting.
    await sleep(3000)
    await allIdle(engines)
    const before = await host.stats()
    await sleep(windowMs)
    const calls = callsBetween(before, await host.stats())
    ctx.progress.tick()
    const perDevice = (n: number) => Math.round((n / count / hours) * 10) / 10
    return {
      watch,
      hours,
      perDeviceHour: calls.calls / count / hours,
      routes: Object.fromEntries(Object.entries(calls.routes).map(([r, n]) => [r, perDevice(n)])),
    }
  } finally {
    await closeFleet(engines)
    await host.close()
  }
}

/** The devices table. */
export function devicesResult(ctx: BenchContext, runs: DevicesFigures[]): ScenarioResult {
  const rows: Row[] = []
  const two = runs.find((r) => r.devices === 2)
  for (const r of runs) {
    const n = `${r.devices} devices`
    const base = two && r !== two ? { p50: two.p50, p95: two.p95 } : undefined
    for (const p of ['p50', 'p95'] as const) {
      rows.push(
        base
          ? compareRow(
              `${n}: a save on every other device, ${p}`,
              fig(r[p], 'ms'),
              fig(base[p], 'ms'),
              '2 devices',
              undefined,
            )
          : {
              scenario: `${n}: a save on every other device, ${p}`,
              ours: fig(r[p], 'ms'),
              against: '—',
              target: '—',
            },
      )
    }
    rows.push({
      scenario: `${n}: calls per save, all devices`,
      ours: fig(r.callsPerSave, 'calls'),
      baseline: fig(r.callsPerSave / r.devices, 'calls'),
      against: 'per device',
      target: '—',
    })
    for (const idle of r.idle) {
      const label = `${n} idle, ${idle.watch ? 'long-poll' : `polling every ${POLL_MS / 1000} s`}: calls per device per hour`
      rows.push(
        idle.watch
          ? compareRow(label, fig(idle.perDeviceHour, 'calls'), fig(IDLE_TARGET, 'calls'), 'target', {
              text: `≤ ${IDLE_TARGET}`,
              limit: IDLE_TARGET,
            })
          : { scenario: label, ours: fig(idle.perDeviceHour, 'calls'), against: '—', target: '—' },
      )
    }
    const watching = r.idle.find((i) => i.watch)
    if (watching) {
      rows.push(
        compareRow(
          `${n} idle, long-poll: all devices per hour`,
          fig(watching.perDeviceHour * r.devices, 'calls'),
          fig(ASSUMED_BUDGET_PER_HOUR, 'calls'),
          'assumed Dropbox budget per user',
          undefined,
        ),
      )
    }
  }
  const lost = runs.reduce((n, r) => n + r.lost, 0)
  return {
    id: 'devices',
    title: '8. Devices: one save reaching every device, and the idle cost',
    about:
      `${ctx.devices.counts.join(', ')} devices in this process, each with its own DropboxBlobStore (own tokens) and ` +
      'MemoryLocalStore, on one emulator, background sync with long-poll (push delay ' +
      `${PUSH_DELAY_MS} ms after the ${FLUSH_DELAY_MS} ms write delay). Saves rotate over the devices, each after ` +
      "every device is idle; the time is until the last other device's `docs` event names the entry; calls are " +
      `every device's. Idle: a fresh fleet with nothing changing for ${ctx.devices.idleHours} h of a clock running ` +
      `${IDLE_SPEEDUP}× faster than real time (polling: a tenth of that time, ${POLL_SPEEDUP}× faster; every idle timer scaled alike: the engine's clock, its polling ` +
      `interval of ${POLL_MS / 1000} s and idle round of ${IDLE_ROUND_MS / 60_000} min, and the provider's ` +
      `${LONGPOLL_MS / 1000} s long-poll through the emulator's cap). The emulator answers a long-poll at its ` +
      'timeout exactly; Dropbox adds up to 90 s, so real long-polls are fewer. Budget: Dropbox publishes no rate ' +
      'limit, only that it applies per user and is "relatively generous" (dropbox/dropbox-sdk-dotnet#36, the DBX ' +
      `Performance Guide); we assume ${ASSUMED_BUDGET_PER_HOUR.toLocaleString('en')} calls per user per hour, the ` +
      '600 a minute one integration measured (projectkudu/kudu#372).',
    rows,
    notes: [
      ...runs.map(
        (r) =>
          `${r.devices} devices, calls per save by route: ${Object.entries(r.routesPerSave)
            .map(([route, n]) => `${route} ${n}`)
            .join(', ')}. Idle, per device per hour: ${r.idle
            .map(
              (i) =>
                `${i.watch ? 'long-poll' : 'polling'}: ${Object.entries(i.routes)
                  .map(([route, n]) => `${route} ${n}`)
                  .join(', ')}`,
            )
            .join('; ')}.`,
      ),
      ...(lost > 0 ? [`${lost} saves did not reach every device within 30 s and are left out.`] : []),
    ],
    raw: { runs, speedup: IDLE_SPEEDUP, pollSpeedup: POLL_SPEEDUP, budgetPerHour: ASSUMED_BUDGET_PER_HOUR },
  }
}
