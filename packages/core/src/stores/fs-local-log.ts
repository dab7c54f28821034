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
import { readAt } from './fs-util.ts'

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

/** Decodes a record's payload found at file offset `payloadOffset`; throws when malformed. */
function decodePayload(payload: Uint8Array, payloadOffset: number): LogEntry[] {
  const decoder = decoding.createDecoder(payload)
  const count = decoding.readVarUint(decoder)
  const entries: LogEntry[] = []
  for (let i = 0; i < count; i++) {
    const key = decoding.readVarString(decoder)
    const flag = decoding.readUint8(decoder)
    if (flag === 0) {
      entries.push([key, undefined])
      continue
    }
    if (flag !== 1) throw new Error('bad entry flag')
    const length = decoding.readVarUint(decoder)
    if (decoder.pos + length > payload.length) throw new Error('value runs past the record')
    entries.push([key, { offset: payloadOffset + decoder.pos, length }])
    decoder.pos += length
  }
  if (decoder.pos !== payload.length) throw new Error('trailing bytes in record')
  return entries
}

/**
 * Reads every valid record from `HEADER_SIZE` on, handing each to `onRecord`
 * in file order. Stops at the first record that is cut short, fails its
 * checksum or does not decode; returns where valid data ends.
 */
export async function scanLog(
  handle: Parameters<typeof readAt>[0],
  size: number,
  onRecord: (entries: LogEntry[], start: number, length: number) => void,
): Promise<number> {
  let buffer: Uint8Array = new Uint8Array(0)
  let bufferStart = HEADER_SIZE
  const bytesAt = async (at: number, length: number): Promise<Uint8Array> => {
    if (at < bufferStart || at + length > bufferStart + buffer.length) {
      buffer = await readAt(handle, at, Math.max(length, SCAN_CHUNK))
      bufferStart = at
    }
    return buffer.subarray(at - bufferStart, at - bufferStart + length)
  }
  let position = HEADER_SIZE
  while (size - position >= RECORD_HEAD) {
    const head = await bytesAt(position, RECORD_HEAD)
    const view = new DataView(head.buffer, head.byteOffset, RECORD_HEAD)
    const length = view.getUint32(0, true)
    if (length > size - position - RECORD_HEAD) break
    const payload = await bytesAt(position + RECORD_HEAD, length)
    if (payload.length !== length || crc32(payload) !== view.getUint32(4, true)) break
    let entries: LogEntry[]
    try {
      entries = decodePayload(payload, position + RECORD_HEAD)
    } catch {
      break
    }
    onRecord(entries, position, RECORD_HEAD + length)
    position += RECORD_HEAD + length
  }
  return position
}
