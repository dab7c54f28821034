/**
 * How the engine lays out its data in the LocalStore. Everything that must
 * survive a crash lives here:
 *
 * ```
 * m/state          DeviceState (JSON, see device-state.ts): identity, pool, epoch, next seq, coverage
 * d/<docId>        merged Yjs update of the document
 * p/<docId>        merged update of changes not yet sealed into a batch
 * o/<seq>          sealed batch waiting for upload (exact bytes to upload)
 * k/<chunk>        index chunk: 16 buckets (JSON), see doc-index.ts
 * i/<bucket>       index bucket changed since its chunk was written (JSON)
 * b/<time>         backup taken before a master download
 * ```
 */

/** LocalStore keys. */
export const keys = {
  state: 'm/state',
  docPrefix: 'd/',
  doc: (id: string) => `d/${id}`,
  pendingPrefix: 'p/',
  pending: (id: string) => `p/${id}`,
  outboxPrefix: 'o/',
  outbox: (seq: number) => `o/${String(seq).padStart(10, '0')}`,
  indexPrefix: 'i/',
  index: (bucket: number) => `i/${bucket.toString(16).padStart(2, '0')}`,
  indexChunkPrefix: 'k/',
  indexChunk: (chunk: number) => `k/${chunk.toString(16)}`,
  backupPrefix: 'b/',
  backup: (name: string) => `b/${name}`,
} as const

const encoder = new TextEncoder()

/** Encodes a JSON value for the LocalStore. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value))
}
