/**
 * One check before a device acts on the pool: read `pool.json`, make sure
 * this device holds the key it asks for (deriving it from a passphrase when
 * given), and verify it (sealed part intact, no older copy put back). The
 * sync round, activation and both master operations all go through here.
 */
import { type PoolRecord, parsePool } from '../remote/records.ts'
import type { SyncContext } from './context.ts'
import { ensureKey, verifyPool } from './encryption.ts'

/** `pool.json` as read, with its rev. */
export interface CurrentPool {
  pool: PoolRecord
  rev: string
}

/** Reads `pool.json` with its rev, or undefined when there is no pool. */
export async function readPool(ctx: SyncContext): Promise<CurrentPool | undefined> {
  const got = await ctx.remote.get(ctx.core.layout.pool)
  if (!got) return undefined
  return { pool: parsePool(got.data, got.meta.path), rev: got.meta.rev }
}

/**
 * Checks a pool this device is about to act on. `passphrase` unlocks it when
 * this device has no key yet (or an old one); `typed` says the user just
 * entered it, so a wrong one is reported as wrong, not as changed. Throws
 * `PassphraseError` or `CorruptBlobError` before anything is written.
 */
export async function checkPool(
  ctx: SyncContext,
  current: CurrentPool,
  passphrase: string | undefined,
  typed = false,
): Promise<CurrentPool> {
  await ensureKey(ctx, current.pool, passphrase, typed)
  await verifyPool(ctx, current.pool)
  return current
}

/** Reads and checks the pool (see `checkPool`); undefined when there is none. */
export async function openPool(
  ctx: SyncContext,
  passphrase: string | undefined,
  typed = false,
): Promise<CurrentPool | undefined> {
  const current = await readPool(ctx)
  return current && checkPool(ctx, current, passphrase, typed)
}
