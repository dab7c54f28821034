/**
 * Blob format v1, shared by log batches (`.ydu`), snapshot shards (`.yds`) and
 * local backups:
 *
 * ```
 * "YDBX" | version u8 | kind u8 | flags u8 | payload | crc32 u32 (big-endian, over all before it)
 * payload = body, deflate-raw compressed if flags & 1, then AES-GCM sealed if flags & 2
 * body    = epoch str | deviceId str | seq uint | createdAt uint | count uint
 *           | count × (docId str | entryFlags uint | updatedAt uint | [summary JSON str] | update bytes)
 * ```
 * All integers in the body are lib0 var-uints, strings and byte arrays lib0
 * length-prefixed. Shards carry no device, seq or time, so two devices that
 * compact the same state write byte-identical shards.
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { CorruptBlobError, UnsupportedVersionError } from '../errors.ts'
import { MAX_DOC_ID_LENGTH } from '../ids.ts'
import { readBytes, readString, readUint, TruncatedError } from './bytes.ts'
import type { BlobCipher } from './cipher.ts'
import { deflate, inflate } from './compression.ts'
import { crc32 } from './crc32.ts'

/** The newest blob format this build reads and the one it writes. */
export const BLOB_VERSION = 1
/** Largest blob (and largest inflated body) accepted, in bytes. */
export const MAX_BLOB_SIZE = 256 * 1024 * 1024

const MAGIC = [0x59, 0x44, 0x42, 0x58] // "YDBX"
const HEADER_SIZE = 7
const KINDS = ['log', 'shard', 'backup'] as const
const FLAG_COMPRESSED = 1
const FLAG_ENCRYPTED = 2
const ENTRY_DELETED = 1
const ENTRY_SUMMARY = 2

/** What a blob holds: a device's batch, a snapshot shard or a local backup. */
export type BlobKind = (typeof KINDS)[number]

/** One document's part of a blob: its update and the index entry `list()` needs. */
export interface BlobEntry {
  /** The document's id. */
  docId: string
  /** A Yjs update (v1 encoding). */
  update: Uint8Array
  /** The document carries the deleted flag. */
  deleted: boolean
  /** Milliseconds since the epoch of the newest change included. */
  updatedAt: number
  /** App-defined summary (JSON-serialisable), when the writer had one. */
  summary?: unknown
}

/** The decoded content of a blob. */
export interface BlobContent {
  /** A device's batch, a snapshot shard or a local backup. */
  kind: BlobKind
  /** The epoch the blob belongs to. */
  epoch: string
  /** Writing device; empty for shards. */
  deviceId: string
  /** Batch sequence number; 0 for shards. */
  seq: number
  /** Milliseconds since the epoch; 0 for shards. */
  createdAt: number
  /** One entry per document. */
  entries: BlobEntry[]
}

/** How to encode a blob. */
export interface EncodeOptions {
  /** Compress the body: always, never, or `'auto'` (when it saves at least 10%). Default `'auto'`. */
  compress?: boolean | 'auto'
  /** Seals the payload with this cipher; `aad` must then name the blob's identity. */
  cipher?: BlobCipher
  /** Associated data bound to the ciphertext (pool, epoch, device, seq). */
  aad?: string
}

/** How to decode a blob. */
export interface DecodeOptions {
  /** Needed to open encrypted blobs. */
  cipher?: BlobCipher
  /** Must equal the `aad` the blob was sealed with. */
  aad?: string
  /** Named in errors. */
  path?: string
  /** The caller already checked the bytes against a cryptographic hash (content-addressed shards): skip the CRC. */
  hashVerified?: boolean
}

/** Encodes a blob. */
export async function encodeBlob(content: BlobContent, options: EncodeOptions = {}): Promise<Uint8Array> {
  let payload = encodeBody(content)
  let flags = 0
  const compress = options.compress ?? 'auto'
  if (compress !== false && payload.length > 256) {
    const packed = await deflate(payload)
    if (compress === true || packed.length < payload.length * 0.9) {
      payload = packed
      flags |= FLAG_COMPRESSED
    }
  }
  if (options.cipher) {
    payload = await options.cipher.seal(payload, options.aad ?? '')
    flags |= FLAG_ENCRYPTED
  }
  const out = new Uint8Array(HEADER_SIZE + payload.length + 4)
  out.set(MAGIC, 0)
  out[4] = BLOB_VERSION
  out[5] = KINDS.indexOf(content.kind) + 1
  out[6] = flags
  out.set(payload, HEADER_SIZE)
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)))
  return out
}

/**
 * Decodes and verifies a blob. Throws `UnsupportedVersionError` for a newer
 * format and `CorruptBlobError` for anything malformed; never returns
 * unchecked data.
 */
export async function decodeBlob(bytes: Uint8Array, options: DecodeOptions = {}): Promise<BlobContent> {
  const { path } = options
  const corrupt = (why: string, cause?: unknown) =>
    new CorruptBlobError(`not a valid y-dropbox blob: ${why}`, path, { cause })
  if (bytes.length > MAX_BLOB_SIZE) throw corrupt(`${bytes.length} bytes is over the ${MAX_BLOB_SIZE} limit`)
  if (bytes.length < HEADER_SIZE + 4) throw corrupt('too short')
  for (let i = 0; i < 4; i++) if (bytes[i] !== MAGIC[i]) throw corrupt('wrong magic')
  // The checksum comes first: a bit flipped in the version byte is damage, not a newer
  // format. Every version keeps the 4-byte CRC-32 trailer, so this check stays valid.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const sum = view.getUint32(bytes.length - 4)
  if (!options.hashVerified && sum !== crc32(bytes.subarray(0, bytes.length - 4)))
    throw corrupt('checksum mismatch')
  const version = bytes[4]!
  if (version > BLOB_VERSION) throw new UnsupportedVersionError('blob', version, BLOB_VERSION)
  if (version === 0) throw corrupt('version 0')
  const kind = KINDS[bytes[5]! - 1]
  if (!kind) throw corrupt(`unknown kind ${bytes[5]}`)
  const flags = bytes[6]!
  if (flags & ~(FLAG_COMPRESSED | FLAG_ENCRYPTED)) throw corrupt(`unknown flags ${flags}`)
  let payload = bytes.subarray(HEADER_SIZE, bytes.length - 4)
  if (flags & FLAG_ENCRYPTED) {
    if (!options.cipher) throw corrupt('encrypted, but no passphrase is set on this device')
    try {
      payload = await options.cipher.open(payload, options.aad ?? '')
    } catch (error) {
      throw corrupt('decryption failed (wrong key, or the file was altered or moved)', error)
    }
  } else if (options.cipher) {
    throw corrupt('not encrypted, but this pool requires encryption')
  }
  if (flags & FLAG_COMPRESSED) {
    try {
      payload = await inflate(payload, MAX_BLOB_SIZE)
    } catch (error) {
      throw corrupt('compressed body does not inflate', error)
    }
  }
  try {
    return decodeBody(payload, kind)
  } catch (error) {
    if (error instanceof CorruptBlobError) throw error
    throw corrupt(error instanceof Error ? error.message : 'malformed body', error)
  }
}

function encodeBody(content: BlobContent): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarString(encoder, content.epoch)
  encoding.writeVarString(encoder, content.deviceId)
  encoding.writeVarUint(encoder, content.seq)
  encoding.writeVarUint(encoder, content.createdAt)
  encoding.writeVarUint(encoder, content.entries.length)
  for (const entry of content.entries) {
    const summary = entry.summary === undefined ? undefined : JSON.stringify(entry.summary)
    encoding.writeVarString(encoder, entry.docId)
    encoding.writeVarUint(encoder, (entry.deleted ? ENTRY_DELETED : 0) | (summary ? ENTRY_SUMMARY : 0))
    encoding.writeVarUint(encoder, Math.max(0, Math.floor(entry.updatedAt)))
    if (summary) encoding.writeVarString(encoder, summary)
    encoding.writeVarUint8Array(encoder, entry.update)
  }
  return encoding.toUint8Array(encoder)
}

function decodeBody(payload: Uint8Array, kind: BlobKind): BlobContent {
  const decoder = decoding.createDecoder(payload)
  const epoch = readString(decoder, 64)
  const deviceId = readString(decoder, 64)
  const seq = readUint(decoder)
  const createdAt = readUint(decoder)
  const count = readUint(decoder)
  // Each entry takes at least 5 bytes: a count past that is a lie.
  if (count > payload.length / 5) throw new TruncatedError(`entry count ${count} does not fit`)
  const entries: BlobEntry[] = []
  for (let i = 0; i < count; i++) {
    const docId = readString(decoder, MAX_DOC_ID_LENGTH * 4)
    if (docId.length === 0 || docId.length > MAX_DOC_ID_LENGTH)
      throw new TruncatedError('a document id is empty or too long')
    const flags = readUint(decoder)
    const updatedAt = readUint(decoder)
    const summaryJson = flags & ENTRY_SUMMARY ? readString(decoder) : undefined
    const update = readBytes(decoder)
    const entry: BlobEntry = { docId, update, deleted: (flags & ENTRY_DELETED) !== 0, updatedAt }
    if (summaryJson !== undefined) entry.summary = JSON.parse(summaryJson)
    entries.push(entry)
  }
  if (decoder.pos !== payload.length) throw new TruncatedError('trailing bytes after the last entry')
  return { kind, epoch, deviceId, seq, createdAt, entries }
}
