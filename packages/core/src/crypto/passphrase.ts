/**
 * End-to-end encryption of a pool: a passphrase becomes an AES-GCM-256 key
 * through PBKDF2-SHA256 (WebCrypto: the runtime's, or the app's `platform.subtle`). The salt,
 * the iteration count and a key check live in `pool.json`, so a wrong
 * passphrase is refused before anything is written or applied. Every blob is
 * sealed with a random IV and its identity (pool, epoch, device, seq) as
 * associated data, so a file cannot be swapped with another or replayed.
 */
import { PassphraseError } from '../errors.ts'
import type { BlobCipher } from '../format/cipher.ts'
import { secureRandomBytes, webCrypto } from '../platform.ts'

/** PBKDF2 iterations of new pools (OWASP's 2023 figure for PBKDF2-HMAC-SHA256). */
export const KDF_ITERATIONS = 600_000
const KEY_CHECK = 'y-dropbox key check v1'
const IV_BYTES = 12

/** The `encryption` field of `pool.json`. */
export interface EncryptionParams {
  /** The key derivation function. */
  kdf: 'PBKDF2-SHA256'
  /** PBKDF2 iterations the key was derived with. */
  iterations: number
  /** Base64 salt (16 random bytes); also names the key. */
  salt: string
  /** The cipher the files are sealed with. */
  cipher: 'AES-GCM-256'
  /** Base64 AES-GCM seal of a known text: opens only with the right key. */
  check: string
}

/** A derived key: raw bytes (kept in the device's LocalStore) and the salt that names it. */
export interface PoolKey {
  salt: string
  raw: Uint8Array
}

/** New encryption parameters and key for `passphrase`. */
export async function createEncryption(
  passphrase: string,
): Promise<{ params: EncryptionParams; key: PoolKey }> {
  assertPassphrase(passphrase)
  const salt = toBase64(secureRandomBytes(16))
  const raw = await deriveKey(passphrase, salt, KDF_ITERATIONS)
  const check = toBase64(await cipherFor(raw).seal(new TextEncoder().encode(KEY_CHECK), `check:${salt}`))
  return {
    params: { kdf: 'PBKDF2-SHA256', iterations: KDF_ITERATIONS, salt, cipher: 'AES-GCM-256', check },
    key: { salt, raw },
  }
}

/** Derives the key of `params` from `passphrase`; throws `PassphraseError` when it is wrong. */
export async function unlockEncryption(params: unknown, passphrase: string): Promise<PoolKey> {
  const p = checkParams(params)
  const raw = await deriveKey(passphrase, p.salt, p.iterations)
  try {
    const opened = await cipherFor(raw).open(fromBase64(p.check), `check:${p.salt}`)
    if (new TextDecoder().decode(opened) !== KEY_CHECK) throw new Error('key check text differs')
  } catch (error) {
    throw new PassphraseError('the passphrase is wrong for this sync pool; nothing was changed. Try again', {
      cause: error,
    })
  }
  return { salt: p.salt, raw }
}

/** Validates the `encryption` field read from `pool.json`. */
export function checkParams(params: unknown): EncryptionParams {
  const p = params as Partial<EncryptionParams> | undefined
  if (
    p?.kdf !== 'PBKDF2-SHA256' ||
    p.cipher !== 'AES-GCM-256' ||
    !Number.isSafeInteger(p.iterations) ||
    (p.iterations as number) < 100_000 ||
    (p.iterations as number) > 100_000_000 ||
    typeof p.salt !== 'string' ||
    typeof p.check !== 'string'
  ) {
    throw new PassphraseError(
      'the encryption settings in pool.json are not recognised; update the app, or reset sync from a device that works',
    )
  }
  return p as EncryptionParams
}

/** AES-GCM-256 with a random 96-bit IV prepended to each ciphertext. */
export function cipherFor(raw: Uint8Array): BlobCipher {
  // Asked for here, so a runtime without WebCrypto is refused before anything is sealed or opened.
  const subtle = webCrypto()
  const key = subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, 'AES-GCM', false, [
    'encrypt',
    'decrypt',
  ])
  const encoder = new TextEncoder()
  return {
    async seal(plain, aad) {
      const iv = secureRandomBytes(IV_BYTES) as Uint8Array<ArrayBuffer>
      const sealed = await subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: encoder.encode(aad) },
        await key,
        plain as Uint8Array<ArrayBuffer>,
      )
      const out = new Uint8Array(IV_BYTES + sealed.byteLength)
      out.set(iv)
      out.set(new Uint8Array(sealed), IV_BYTES)
      return out
    },
    async open(sealed, aad) {
      if (sealed.length < IV_BYTES + 16) throw new Error('sealed payload too short')
      const plain = await subtle.decrypt(
        {
          name: 'AES-GCM',
          iv: sealed.subarray(0, IV_BYTES) as Uint8Array<ArrayBuffer>,
          additionalData: encoder.encode(aad),
        },
        await key,
        sealed.subarray(IV_BYTES) as Uint8Array<ArrayBuffer>,
      )
      return new Uint8Array(plain)
    },
  }
}

async function deriveKey(passphrase: string, salt: string, iterations: number): Promise<Uint8Array> {
  assertPassphrase(passphrase)
  const subtle = webCrypto()
  const material = await subtle.importKey(
    'raw',
    new TextEncoder().encode(passphrase.normalize('NFC')),
    'PBKDF2',
    false,
    ['deriveBits'],
  )
  const bits = await subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: fromBase64(salt) as Uint8Array<ArrayBuffer>, iterations },
    material,
    256,
  )
  return new Uint8Array(bits)
}

function assertPassphrase(passphrase: unknown): asserts passphrase is string {
  if (typeof passphrase !== 'string' || passphrase.length < 8) {
    throw new PassphraseError('a sync passphrase needs at least 8 characters')
  }
}

/** Standard base64 of bytes. */
export function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary)
}

/** Bytes of standard base64; throws on malformed input. */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text)
  const out = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  return out
}
