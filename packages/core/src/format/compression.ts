/**
 * deflate-raw: the app's implementation (`platform` option), else the
 * runtime's `CompressionStream` (browsers, Node 18+), else fflate, loaded only
 * where the runtime has no streams (React Native, Safari before 16.4).
 */
import { suppliedPlatform } from '../platform.ts'
import { concatBytes } from './bytes.ts'

/** Compresses bytes with deflate-raw. */
export async function deflate(data: Uint8Array): Promise<Uint8Array> {
  const own = suppliedPlatform().deflateRaw
  if (own) return own(data)
  if (hasStreams()) return pipe(new CompressionStream('deflate-raw'), data, Number.POSITIVE_INFINITY)
  const { deflateSync } = await import('fflate')
  return deflateSync(data)
}

/** Decompresses deflate-raw bytes; throws `RangeError` past `maxSize` output bytes (a bomb). */
export async function inflate(data: Uint8Array, maxSize: number): Promise<Uint8Array> {
  const own = suppliedPlatform().inflateRaw
  if (own) {
    const out = await own(data, maxSize)
    if (out.length > maxSize) throw new RangeError(`inflates past ${maxSize} bytes`)
    return out
  }
  if (hasStreams()) return pipe(new DecompressionStream('deflate-raw'), data, maxSize)
  const { Inflate } = await import('fflate')
  const chunks: Uint8Array[] = []
  let size = 0
  const inflater = new Inflate((chunk) => {
    size += chunk.length
    if (size > maxSize) throw new RangeError(`inflates past ${maxSize} bytes`)
    chunks.push(chunk)
  })
  inflater.push(data, true)
  return concatBytes(chunks)
}

function hasStreams(): boolean {
  return typeof CompressionStream === 'function' && typeof DecompressionStream === 'function'
}

/** Runs `data` through a transform stream, reading as it writes (no `Blob.prototype.stream` needed). */
async function pipe(
  stream: CompressionStream | DecompressionStream,
  data: Uint8Array,
  maxSize: number,
): Promise<Uint8Array> {
  const writer = stream.writable.getWriter()
  // A failure of the writing side surfaces on the reading side too; it is awaited once reading ends.
  const writing = writer
    .write(data as Uint8Array<ArrayBuffer>)
    .then(() => writer.close())
    .then(
      () => undefined,
      (error: unknown) => error,
    )
  const reader = stream.readable.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.length
    if (size > maxSize) {
      await reader.cancel()
      throw new RangeError(`inflates past ${maxSize} bytes`)
    }
    chunks.push(value)
  }
  const failed = await writing
  if (failed) throw failed
  return concatBytes(chunks)
}
