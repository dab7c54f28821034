/**
 * How the engine uses pool encryption: the derived key is kept in the
 * device's LocalStore (so the passphrase is asked for once per device), checked
 * against `pool.json` at every round, and used to seal blobs and the few JSON
 * fields that would otherwise show names (device records, who uploaded a master).
 */

import { cipherFor, fromBase64, type PoolKey, toBase64, unlockEncryption } from '../crypto/passphrase.ts'
import { CorruptBlobError, PassphraseError } from '../errors.ts'
import { poolAad } from '../format/aad.ts'
import { openSealed, sealValue } from '../format/sealed.ts'
import type { LocalStore } from '../local-store.ts'
import type { PoolRecord } from '../remote/records.ts'
import type { SyncContext } from './context.ts'

const KEY = 'm/key'

/** Loads the stored pool key, if any. */
export async function loadKey(store: LocalStore): Promise<PoolKey | undefined> {
  const bytes = await store.get(KEY)
  if (!bytes) return undefined
  const json = JSON.parse(new TextDecoder().decode(bytes)) as { salt: string; raw: string }
  return { salt: json.salt, raw: fromBase64(json.raw) }
}

/** Makes `key` the one this device uses (or forgets it), durably and in the sync context. */
export async function useKey(ctx: SyncContext, key: PoolKey | undefined): Promise<void> {
  const value = key
    ? new TextEncoder().encode(JSON.stringify({ salt: key.salt, raw: toBase64(key.raw) }))
    : undefined
  await ctx.core.store.write([[KEY, value]])
  setCipher(ctx, key)
  // The device record was sealed with the old key (or none): write it again at the next round.
  ctx.core.device.forgetHeartbeat()
}

/** Points the sync context at `key`'s cipher. */
export function setCipher(ctx: SyncContext, key: PoolKey | undefined): void {
  ctx.key = key
  ctx.cipher = key ? cipherFor(key.raw) : undefined
}

/**
 * Makes sure this device holds the key `pool` asks for: the stored one, or
 * one derived from `passphrase`. Throws `PassphraseError` (before anything is
 * written or applied) when it cannot. An encrypted pool never silently
 * becomes a plain one: that would let whoever can edit `pool.json` read
 * everything written afterwards.
 */
export async function ensureKey(
  ctx: SyncContext,
  pool: PoolRecord,
  passphrase: string | undefined,
  /** The user just typed it: a wrong one is reported as wrong, not as changed. */
  typed = false,
): Promise<void> {
  const wanted = pool.encryption as { salt?: unknown } | undefined
  if (!wanted) {
    if (ctx.key) {
      throw new PassphraseError(
        'the sync data is no longer encrypted, but this device encrypts it; sync stopped. ' +
          'If that was not you, someone else changed it. To go on, delete all sync data and activate again',
      )
    }
    return
  }
  if (ctx.key && ctx.key.salt === wanted.salt) return
  const changed =
    'the sync passphrase was changed on another device: enter the new passphrase to go on syncing'
  if (passphrase === undefined) {
    throw new PassphraseError(
      ctx.key ? changed : 'the sync data is encrypted: enter its passphrase to sync this device',
    )
  }
  let key: PoolKey
  try {
    key = await unlockEncryption(pool.encryption, passphrase)
  } catch (error) {
    // The passphrase this device was opened with is the old one.
    if (ctx.key && !typed && error instanceof PassphraseError)
      throw new PassphraseError(changed, { cause: error })
    throw error
  }
  await useKey(ctx, key)
}

/** Seals a JSON value as base64 (for names in device records and pool.json). */
export function sealJson(ctx: SyncContext, value: unknown, aad: string): Promise<string> {
  return sealValue(ctx.cipher!, value, aad)
}

/** Opens what `sealJson` sealed; undefined when it cannot (no key, or altered). */
export async function openJson<T>(ctx: SyncContext, sealed: unknown, aad: string): Promise<T | undefined> {
  return ctx.cipher ? openSealed<T>(ctx.cipher, sealed, aad) : Promise.resolve(undefined)
}

/**
 * Checks `pool.json` before this device acts on it: in an encrypted pool its
 * sealed part must match the plain fields (someone without the key cannot
 * move the pool to another epoch), and in any pool its generation must not
 * go below one already seen (an old copy put back). Records the generation.
 */
export async function verifyPool(ctx: SyncContext, pool: PoolRecord): Promise<void> {
  const { layout, state } = ctx.core
  const generation = pool.generation ?? 0
  if (ctx.cipher) {
    const sealed = await openJson<{ epochAt?: number; generation?: number }>(
      ctx,
      pool.names,
      poolAad(pool.poolId, pool.epoch),
    )
    if (!sealed || sealed.epochAt !== pool.epochAt || (sealed.generation ?? 0) !== generation) {
      throw new CorruptBlobError(
        'pool.json was altered: its sealed part does not match; sync stopped to protect your data',
        layout.pool,
      )
    }
  }
  const known = pool.poolId === state.poolId ? (state.poolGeneration ?? 0) : 0
  // Only a move to another epoch can roll this device back; within its own epoch an
  // older number is harmless (and a damaged higher one must not lock the device out).
  if (generation < known && pool.epoch !== state.epoch) {
    throw new CorruptBlobError(
      `pool.json is older than one this device has seen (generation ${generation}, seen ${known}): ` +
        'an old copy was put back; sync stopped to protect your data',
      layout.pool,
    )
  }
  ctx.core.device.acceptGeneration(generation)
}
