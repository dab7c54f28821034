/**
 * Reading ahead on a wake: when the store reports a change, it is most often
 * the next batch of the device that wrote last. A round woken that way reads
 * that file (its path is known: the device's next seq) while it lists the
 * folder (and reads `pool.json`, unless the listing vouches for it; see
 * `round.ts`), so the change is applied one round trip sooner. Only reads
 * happen ahead; nothing is applied before the round has verified the pool
 * and the listing shows the file at the same revision. A wrong guess costs
 * one call that finds nothing.
 */

import type { Prefetched } from './bulk-download.ts'
import type { SyncContext } from './context.ts'

/** Per engine: the device whose batch was applied last. */
const lastWriter = new WeakMap<SyncContext, string>()

/** Reads the next batch of the device that wrote last, if any; never rejects. */
export async function readAhead(ctx: SyncContext): Promise<Prefetched> {
  const out: Prefetched = new Map()
  const { state, layout } = ctx.core
  const device = lastWriter.get(ctx)
  if (!device || !state.epoch) return out
  const path = layout.log(state.epoch, device, (state.coverage[device] ?? 0) + 1)
  try {
    const got = await ctx.remote.get(path)
    // Only a file found counts: one not there yet may still appear in this round's listing.
    if (got) out.set(path, got)
  } catch {
    // The round reads it again if it needs it.
  }
  return out
}

/** Remembers which device's batches the last pull applied (`before`: coverage when it started). */
export function noteWriters(ctx: SyncContext, before: Record<string, number>): void {
  const { state } = ctx.core
  for (const [device, seq] of Object.entries(state.coverage)) {
    if (device !== state.deviceId && seq > (before[device] ?? 0)) lastWriter.set(ctx, device)
  }
}
