/**
 * What the engine needs from the JavaScript runtime, and where it gets it.
 * Each capability comes from the app (the `platform` option of
 * `SyncEngine.open`), else from the runtime's own API, else from a small
 * library loaded only when needed (fflate, @noble/hashes). So a plain pool
 * runs where `CompressionStream`, `Blob.prototype.stream` or `crypto.subtle`
 * are missing (React Native, older Safari, pages served over plain http);
 * only encryption needs WebCrypto, and says so when it is missing.
 */
import { PlatformError } from './errors.ts'

/**
 * Implementations an app may hand to `SyncEngine.open` (`platform` option)
 * where its JavaScript runtime lacks the standard ones. Every field is
 * optional; whatever is left out comes from the runtime or a built-in
 * fallback. The bytes written do not depend on who computed them: any
 * correct raw-DEFLATE and SHA-256 implementation reads what another wrote.
 */
export interface Platform {
  /** Shown to the user on other devices, e.g. `'iOS'`. Default `'unknown'`. */
  name?: string
  /** Compresses with raw DEFLATE (RFC 1951, no zlib or gzip header). */
  deflateRaw?(data: Uint8Array): Uint8Array | Promise<Uint8Array>
  /**
   * Decompresses raw DEFLATE. Must throw (or reject) as soon as the output
   * passes `maxSize` bytes, so a crafted file cannot exhaust memory.
   */
  inflateRaw?(data: Uint8Array, maxSize: number): Uint8Array | Promise<Uint8Array>
  /** The 32-byte SHA-256 digest of `data`. */
  sha256?(data: Uint8Array): Uint8Array | Promise<Uint8Array>
  /** `length` cryptographically secure random bytes (encryption salts and IVs, ids). */
  randomBytes?(length: number): Uint8Array
  /**
   * WebCrypto's `SubtleCrypto` (PBKDF2, AES-GCM; SHA-256 when present). Only
   * encrypted pools need it; default `globalThis.crypto.subtle`.
   */
  subtle?: PlatformSubtle
}

/** The part of WebCrypto's `SubtleCrypto` the engine uses. */
export type PlatformSubtle = Pick<SubtleCrypto, 'importKey' | 'deriveBits' | 'encrypt' | 'decrypt'> &
  Partial<Pick<SubtleCrypto, 'digest'>>

/** What apps supplied so far. Capabilities describe the runtime, so they are shared by its engines. */
const supplied: Omit<Platform, 'name'> = {}

/**
 * Records the capabilities `platform` supplies, for every engine of this
 * JavaScript runtime (the ones it leaves out keep their current source).
 */
export function supplyPlatform(platform: Platform): void {
  for (const key of ['deflateRaw', 'inflateRaw', 'sha256', 'randomBytes', 'subtle'] as const) {
    if (platform[key] !== undefined) (supplied as Record<string, unknown>)[key] = platform[key]
  }
}

/** The app's own implementations, if any. */
export function suppliedPlatform(): Readonly<Omit<Platform, 'name'>> {
  return supplied
}

/**
 * Inputs up to this size are hashed in JavaScript even where WebCrypto is
 * there. Its `digest` is asynchronous (Node runs it on the libuv thread pool,
 * browsers off the main thread): for the few hundred bytes of a batch or
 * `pool.json` that hop took 0.3 ms at the median and up to 15 ms on a loaded
 * machine, where @noble/hashes takes microseconds. Larger inputs go to
 * WebCrypto, which is faster per byte.
 */
const SMALL_DIGEST_BYTES = 16 * 1024

/** @noble/hashes' SHA-256, once loaded (it is not part of the engine's initial code). */
let nobleSha256: ((data: Uint8Array) => Uint8Array) | undefined

/** SHA-256 of `data`: the app's, WebCrypto's, or @noble/hashes' (always for small inputs). */
export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  if (supplied.sha256) return supplied.sha256(data)
  const subtle = supplied.subtle ?? runtimeSubtle()
  if (subtle?.digest && data.length > SMALL_DIGEST_BYTES) {
    return new Uint8Array(await subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>))
  }
  nobleSha256 ??= (await import('@noble/hashes/sha2.js')).sha256
  return nobleSha256(data)
}

/** Secure random bytes; throws `PlatformError` when the runtime has no secure source. */
export function secureRandomBytes(length: number): Uint8Array {
  const bytes = randomOrUndefined(length)
  if (bytes) return bytes
  throw new PlatformError(
    'randomBytes',
    'encryption needs a secure random source (crypto.getRandomValues), which this JavaScript runtime ' +
      'does not have; pass one to SyncEngine.open as platform: { randomBytes }',
  )
}

/**
 * Random bytes for ids, which need to be unique, not secret: secure ones when
 * the runtime has them, else `Math.random`.
 */
export function idRandomBytes(length: number): Uint8Array {
  const bytes = randomOrUndefined(length)
  if (bytes) return bytes
  return Uint8Array.from({ length }, () => Math.floor(Math.random() * 256))
}

/** WebCrypto for encryption; throws `PlatformError` naming what is missing and how to supply it. */
export function webCrypto(): PlatformSubtle {
  const subtle = supplied.subtle ?? runtimeSubtle()
  if (subtle) return subtle
  throw new PlatformError(
    'subtle',
    'encrypted sync needs WebCrypto (crypto.subtle, for PBKDF2 and AES-GCM), which this JavaScript ' +
      'runtime does not have (outside a secure context, browsers hide it too); pass an implementation ' +
      'to SyncEngine.open as platform: { subtle }',
  )
}

function runtimeSubtle(): PlatformSubtle | undefined {
  return (globalThis.crypto as Crypto | undefined)?.subtle ?? undefined
}

function randomOrUndefined(length: number): Uint8Array | undefined {
  if (supplied.randomBytes) {
    const bytes = supplied.randomBytes(length)
    if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
      throw new TypeError(`y-dropbox: platform.randomBytes(${length}) must return ${length} bytes`)
    }
    return bytes
  }
  const crypto = globalThis.crypto as Crypto | undefined
  if (typeof crypto?.getRandomValues === 'function') return crypto.getRandomValues(new Uint8Array(length))
  return undefined
}
