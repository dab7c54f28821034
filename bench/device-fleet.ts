/**
 * A fleet of devices on one emulator, in this process: each its own
 * DropboxBlobStore (own tokens) and MemoryLocalStore, syncing in the
 * background. Used by the devices scenario (propagation to every device, and
 * the idle cost).
 */
import { type BlobStore, SyncEngine, type SyncEngineOptions } from '@y-dropbox/core'
import * as Y from 'yjs'
import { FIELDS_MAP } from './data.ts'
import { now, sleep } from './measure.ts'
import { engineOptions } from './pool.ts'
import { openStore, type RemoteHost, withoutWatch } from './remote.ts'
import type { BenchContext } from './types.ts'

/** A save not seen by every device within this time counts as lost. */
export const FLEET_TIMEOUT_MS = 30_000

/** Opens `count` devices on a new pool under `root`: the first creates it with `entries`, the others join. */
export async function openFleet(
  ctx: BenchContext,
  host: RemoteHost,
  options: { root: string; count: number; watch: boolean; knobs: Partial<SyncEngineOptions> },
): Promise<SyncEngine[]> {
  const entries = ctx.diary(Math.min(10, ctx.size)).entries
  const engines: SyncEngine[] = []
  for (let i = 0; i < options.count; i++) {
    const store = await openStore(host)
    const remote: BlobStore = options.watch ? store : withoutWatch(store)
    const engine = await SyncEngine.open({
      ...engineOptions(store, options.root, `device ${i}`),
      ...options.knobs,
      remote,
    })
    if (i === 0) for (const entry of entries) Y.applyUpdate(await engine.doc(entry.id), entry.state)
    await engine.activate()
    engines.push(engine)
    ctx.progress.tick()
  }
  await allIdle(engines)
  return engines
}

/** Closes every device of a fleet. */
export async function closeFleet(engines: SyncEngine[]): Promise<void> {
  await Promise.all(engines.map((engine) => engine.close()))
}

/** Resolves once no device is in a sync round (or after the timeout). */
export async function allIdle(engines: SyncEngine[]): Promise<void> {
  const deadline = now() + FLEET_TIMEOUT_MS
  while (engines.some((e) => e.status.state === 'syncing') && now() < deadline) await sleep(5)
}

/**
 * Device `writer` sets one field of `id`; resolves with the time until every
 * other device's `docs` event named it, or undefined when one did not within
 * the timeout.
 */
export async function saveAndWait(engines: SyncEngine[], writer: number, id: string, value: number) {
  const others = engines.filter((_, i) => i !== writer)
  const seen = others.map((engine) => arrival(engine, id))
  const start = now()
  const doc = await engines[writer]!.doc(id)
  doc.getMap(FIELDS_MAP).set('pain', value)
  const times = await Promise.all(seen)
  if (times.some((t) => t === undefined)) return undefined
  return Math.max(...(times as number[])) - start
}

/** The time `engine`'s `docs` event names `id` from a remote change, or undefined after the timeout. */
function arrival(engine: SyncEngine, id: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const listener = (event: { origin: string; added: string[]; changed: string[] }) => {
      if (event.origin === 'remote' && (event.changed.includes(id) || event.added.includes(id))) finish(now())
    }
    const timer = setTimeout(() => finish(undefined), FLEET_TIMEOUT_MS)
    const finish = (at: number | undefined) => {
      clearTimeout(timer)
      engine.off('docs', listener)
      resolve(at)
    }
    engine.on('docs', listener)
  })
}
