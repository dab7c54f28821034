/**
 * The sealed parts of a pool as devices seal them: opening or sealing a JSON
 * value with the pool's cipher, bound to the associated data of `format/aad.ts`.
 */
import { fromBase64, toBase64 } from '../crypto/passphrase.ts'
import type { BlobCipher } from './cipher.ts'

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
