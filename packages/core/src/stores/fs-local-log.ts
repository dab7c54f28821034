/**
 * The file format of `FsLocalStore`: a header (`YDLS`, format version), then
 * one record per batch: payload length (u32 LE), CRC-32 of the payload
 * (u32 LE), payload. The payload (lib0 encoding) is the entry count, then per
 * entry the key, a flag (1 value, 0 deletion) and the value's length and bytes.
 * A record is valid only whole, so a torn append is recognised and cut off.
 */

import { crc32 } from 'node:zlib'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { UnsupportedVersionError, YDropboxError } from '../errors.ts'
import type { LocalWrite } from '../local-store.ts'
import { readInto } from './fs-util.ts'

/** Where a value lives in the log file. */
export interface ValueRef {
  /** Byte offset of the value in the file. */
  offset: number
  /** Its length in bytes. */
  length: number
}

/** One decoded entry of a record: a key and where its value is, or undefined for a deletion. */
export type LogEntry = [key: string, value: ValueRef | undefined]

const MAGIC = [0x59, 0x44, 0x4c, 0x53] // "YDLS"
const VERSION = 1
/** Size of the file header. */
export const HEADER_SIZE = 8
const RECORD_HEAD = 8
const SCAN_CHUNK = 1024 * 1024
/** Keys are stored as UTF-8, which cannot hold half of a surrogate pair. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** The header every log file starts with. */
export function fileHeader(): Uint8Array {
  const header = new Uint8Array(HEADER_SIZE)
  header.set(MAGIC)
  new DataView(header.buffer).setUint32(4, VERSION, true)
  return header
}

/** Throws unless `header` starts a log file this version reads. */
export function checkHeader(header: Uint8Array, path: string): void {
  if (header.length < HEADER_SIZE || MAGIC.some((byte, i) => header[i] !== byte)) {
    throw new YDropboxError(`${path} is not a y-dropbox local store file; open another folder`)
  }
  const version = new DataView(header.buffer, header.byteOffset).getUint32(4, true)
  if (version > VERSION) throw new UnsupportedVersionError('local store file', version, VERSION)
}

/**
 * Encodes a batch as one record. `entries` gives each value's offset relative
 * to the record start.
 */
export function encodeRecord(batch: LocalWrite[]): { record: Uint8Array; entries: LogEntry[] } {
  const encoder = encoding.createEncoder()
  const entries: LogEntry[] = []
  encoding.writeVarUint(encoder, batch.length)
  for (const [key, value] of batch) {
    if (LONE_SURROGATE.test(key))
      throw new YDropboxError(`key ${JSON.stringify(key)} is not valid Unicode; store it encoded`)
    encoding.writeVarString(encoder, key)
    if (value === undefined) {
      encoding.writeUint8(encoder, 0)
      entries.push([key, undefined])
    } else {
      encoding.writeUint8(encoder, 1)
      encoding.writeVarUint(encoder, value.length)
      entries.push([key, { offset: RECORD_HEAD + encoding.length(encoder), length: value.length }])
      encoding.writeUint8Array(encoder, value)
    }
  }
  const payload = encoding.toUint8Array(encoder)
  const record = new Uint8Array(RECORD_HEAD + payload.length)
  const view = new DataView(record.buffer)
  view.setUint32(0, payload.length, true)
  view.setUint32(4, crc32(payload), true)
  record.set(payload, RECORD_HEAD)
  return { record, entries }
}

/**
 * One record's entries as decoded by `scanLog`, in columns that are reused
 * from record to record (a scan of 100,000 keys would otherwise leave an
 * array and an object per key behind). Valid until the next record.
 */
export interface ScannedRecord {
  count: number
  keys: string[]
  /** File offset of each value. */
  offsets: number[]
  /** Length of each value; -1 for a deletion. */
  lengths: number[]
}

/** Decodes a record's payload found at file offset `payloadOffset` into `out`; throws when malformed. */
function decodePayload(payload: Uint8Array, payloadOffset: number, out: ScannedRecord): void {
  const decoder = decoding.createDecoder(payload)
  const count = decoding.readVarUint(decoder)
  out.count = 0
  for (let i = 0; i < count; i++) {
    const key = readKey(decoder)
    const flag = decoding.readUint8(decoder)
    let offset = 0
    let length = -1
    if (flag === 1) {
      length = decoding.readVarUint(decoder)
      if (decoder.pos + length > payload.length) throw new Error('value runs past the record')
      offset = payloadOffset + decoder.pos
      decoder.pos += length
    } else if (flag !== 0) {
      throw new Error('bad entry flag')
    }
    out.keys[i] = key
    out.offsets[i] = offset
    out.lengths[i] = length
  }
  if (decoder.pos !== payload.length) throw new Error('trailing bytes in record')
  out.count = count
}

const utf8 = new TextDecoder()

/**
 * Reads a key. Keys are short and almost always ASCII: built from their bytes
 * they skip a `TextDecoder` call each, which was a sixth of a start's scan of
 * 100,000 keys.
 */
function readKey(decoder: decoding.Decoder): string {
  const length = decoding.readVarUint(decoder)
  const bytes = decoder.arr
  const start = decoder.pos
  const end = start + length
  if (end > bytes.length) throw new Error('key runs past the record')
  decoder.pos = end
  if (length <= 64) {
    let i = start
    while (i < end && bytes[i]! < 0x80) i++
    if (i === end) return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[])
  }
  return utf8.decode(bytes.subarray(start, end))
}

/**
 * Reads every valid record from `HEADER_SIZE` on, handing each to `onRecord`
 * in file order (the record is reused: read it before returning). Stops at
 * the first record that is cut short, fails its checksum or does not decode;
 * returns where valid data ends.
 */
export async function scanLog(
  handle: Parameters<typeof readInto>[0],
  size: number,
  onRecord: (record: ScannedRecord, start: number, length: number) => void,
): Promise<number> {
  const record: ScannedRecord = { count: 0, keys: [], offsets: [], lengths: [] }
  // One buffer for the whole scan, grown only for a record larger than it.
  let buffer = new Uint8Array(SCAN_CHUNK)
  let bufferStart = HEADER_SIZE
  let bufferEnd = HEADER_SIZE
  const bytesAt = async (at: number, length: number): Promise<Uint8Array> => {
    if (at < bufferStart || at + length > bufferEnd) {
      if (length > buffer.length) buffer = new Uint8Array(length)
      bufferStart = at
      bufferEnd = at + (await readInto(handle, buffer.subarray(0, Math.min(buffer.length, size - at)), at))
    }
    return buffer.subarray(at - bufferStart, Math.min(at + length, bufferEnd) - bufferStart)
  }
  let position = HEADER_SIZE
  while (size - position >= RECORD_HEAD) {
    const head = await bytesAt(position, RECORD_HEAD)
    const view = new DataView(head.buffer, head.byteOffset, RECORD_HEAD)
    const length = view.getUint32(0, true)
    const checksum = view.getUint32(4, true)
    if (length > size - position - RECORD_HEAD) break
    // May refill the buffer the head lies in: the head is read before.
    const payload = await bytesAt(position + RECORD_HEAD, length)
    if (payload.length !== length || crc32(payload) !== checksum) break
    try {
      decodePayload(payload, position + RECORD_HEAD, record)
    } catch {
      break
    }
    onRecord(record, position, RECORD_HEAD + length)
    position += RECORD_HEAD + length
  }
  return position
}
