/** deflate-raw through the platform's CompressionStream (browsers and Node 18+). */
import { concatBytes } from './bytes.ts'

/** Compresses bytes with deflate-raw. */
export async function deflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream('deflate-raw'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

/** Decompresses deflate-raw bytes; throws `RangeError` past `maxSize` output bytes (a bomb). */
export async function inflate(data: Uint8Array, maxSize: number): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('deflate-raw'))
  const reader = stream.getReader()
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
  return concatBytes(chunks)
}
