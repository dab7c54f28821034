/**
 * The sealed parts of a pool as devices seal them: associated data (wire
 * format, pinned by test/inspect/sealed.test.ts) and opening or sealing a
 * JSON value with the pool's cipher. Log batches and shards take their
 * associated data from the engine (`logAad`, `shardAad`); the engine builds
 * these three inline.
 */
import { fromBase64, toBase64 } from '../crypto/passphrase.ts'
import type { BlobCipher } from '../format/cipher.ts'

export { logAad, shardAad } from '../engine/context.ts'

/** Associated data of a sealed snapshot manifest. */
export function manifestAad(poolId: string, epoch: string, name: string): string {
  return `manifest:${poolId}:${epoch}:${name}`
}

/** Associated data of a sealed device record. */
export function deviceAad(poolId: string, deviceId: string): string {
  return `device:${poolId}:${deviceId}`
}

/** Associated data of the sealed `names` field of `pool.json`. */
export function poolNamesAad(poolId: string, epoch: string): string {
  return `pool:${poolId}:${epoch}`
}

/** Opens a sealed JSON value; undefined when it is not a string or does not open (wrong key, altered). */
export async function openSealed<T>(
  cipher: BlobCipher,
  sealed: unknown,
  aad: string,
): Promise<T | undefined> {
  if (typeof sealed !== 'string') return undefined
  try {
    return JSON.parse(new TextDecoder().decode(await cipher.open(fromBase64(sealed), aad))) as T
  } catch {
    return undefined
  }
}

/** Seals a JSON value as base64, as devices do for manifests, device records and pool names. */
export async function sealValue(cipher: BlobCipher, value: unknown, aad: string): Promise<string> {
  return toBase64(await cipher.seal(new TextEncoder().encode(JSON.stringify(value)), aad))
}
