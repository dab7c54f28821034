/** Bounds-checked reads over lib0 decoders: remote bytes are never trusted. */
import * as decoding from 'lib0/decoding'

/** Thrown by the readers below; callers turn it into a `CorruptBlobError`. */
export class TruncatedError extends Error {}

/** Reads a length-prefixed byte array, refusing lengths past the end. */
export function readBytes(decoder: decoding.Decoder): Uint8Array {
  const len = decoding.readVarUint(decoder)
  if (len > decoder.arr.length - decoder.pos) throw new TruncatedError('length runs past the end')
  return decoding.readUint8Array(decoder, len)
}

/** Reads a length-prefixed UTF-8 string, refusing lengths past the end and bad UTF-8. */
export function readString(decoder: decoding.Decoder, maxLength = 1 << 20): string {
  const bytes = readBytes(decoder)
  if (bytes.length > maxLength) throw new TruncatedError('string too long')
  return utf8.decode(bytes)
}

/** Reads an unsigned integer that must fit in a safe JS number. */
export function readUint(decoder: decoding.Decoder): number {
  if (decoder.pos >= decoder.arr.length) throw new TruncatedError('unexpected end')
  const n = decoding.readVarUint(decoder)
  if (!Number.isSafeInteger(n) || n < 0) throw new TruncatedError('integer out of range')
  return n
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Concatenates byte arrays. */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  let size = 0
  for (const p of parts) size += p.length
  const out = new Uint8Array(size)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** True when both arrays hold the same bytes. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
