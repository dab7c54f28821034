/**
 * The JSON files of a pool (`pool.json`, `devices/*.json`, snapshot manifests):
 * their shapes, and validation of what is read back. Unknown fields are kept,
 * newer format versions are refused by name.
 */
import { CorruptBlobError, UnsupportedVersionError } from '../errors.ts'
import { manifestAad } from '../format/aad.ts'
import type { BlobCipher } from '../format/cipher.ts'
import { sealValue } from '../format/sealed.ts'
import { checkRemoteId, isValidId, randomId } from '../ids.ts'

/** The newest version of the JSON records this build reads and writes. */
export const RECORD_VERSION = 1

/** `pool.json`: which pool and epoch are current. Changed only by compare-and-swap. */
export interface PoolRecord {
  format: number
  poolId: string
  epoch: string
  createdBy: string
  /** Name of the device that started the current epoch. */
  epochBy: string
  /** When the current epoch started (ms). */
  epochAt: number
  createdAt: number
  /** Encryption parameters, when the pool is encrypted. */
  encryption?: Record<string, unknown>
  /** Counts epoch changes; never goes down, so a replayed old `pool.json` is noticed. */
  generation?: number
  [extra: string]: unknown
}

/** `devices/<id>.json`: who is in the pool and when they were last seen. */
export interface DeviceRecord {
  format: number
  deviceId: string
  name: string
  platform: string
  lastSeen: number
  epoch: string
  pushedSeq: number
  /** False once the device turned sync off (absent in records of older versions: syncing). */
  active?: boolean
  [extra: string]: unknown
}

/** A snapshot manifest: which log entries its shards cover, and the shard files. */
export interface ManifestRecord {
  format: number
  epoch: string
  /** For each device, the highest seq whose batch is included. */
  coverage: Record<string, number>
  shards: Array<{ hash: string; size: number; docs: number }>
  createdBy: string
  createdAt: number
  [extra: string]: unknown
}

/** A manifest with the name it was found under. */
export interface NamedManifest extends ManifestRecord {
  name: string
}

/** Serialises a record as UTF-8 JSON. */
export function encodeRecord(record: object): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(record, null, 1)}\n`)
}

/** Parses and validates `pool.json`. */
export function parsePool(bytes: Uint8Array, path: string): PoolRecord {
  const json = parseJson(bytes, path, 'pool.json')
  checkFormat(json, 'pool.json', path)
  checkRemoteId(json.poolId, 'poolId', path)
  checkRemoteId(json.epoch, 'epoch', path)
  expect(typeof json.createdBy === 'string', 'createdBy', path)
  expect(typeof json.epochBy === 'string', 'epochBy', path)
  expect(isTime(json.epochAt) && isTime(json.createdAt), 'times', path)
  expect(json.encryption === undefined || isObject(json.encryption), 'encryption', path)
  expect(
    json.generation === undefined ||
      (Number.isSafeInteger(json.generation) && (json.generation as number) >= 0),
    'generation',
    path,
  )
  return json as PoolRecord
}

/** Parses and validates a device record. */
export function parseDevice(bytes: Uint8Array, path: string): DeviceRecord {
  const json = parseJson(bytes, path, 'device record')
  checkFormat(json, 'device record', path)
  checkRemoteId(json.deviceId, 'deviceId', path)
  expect(typeof json.name === 'string' && json.name.length <= 200, 'name', path)
  expect(typeof json.platform === 'string', 'platform', path)
  expect(isTime(json.lastSeen), 'lastSeen', path)
  expect(typeof json.epoch === 'string', 'epoch', path)
  expect(Number.isSafeInteger(json.pushedSeq) && (json.pushedSeq as number) >= 0, 'pushedSeq', path)
  expect(json.active === undefined || typeof json.active === 'boolean', 'active', path)
  return json as DeviceRecord
}

/** Parses and validates a snapshot manifest. */
export function parseManifest(bytes: Uint8Array, path: string): ManifestRecord {
  const json = parseJson(bytes, path, 'snapshot manifest')
  checkFormat(json, 'snapshot manifest', path)
  checkRemoteId(json.epoch, 'epoch', path)
  expect(isObject(json.coverage), 'coverage', path)
  for (const [device, seq] of Object.entries(json.coverage as object)) {
    expect(isValidId(device) && Number.isSafeInteger(seq) && seq >= 0, 'coverage entry', path)
  }
  expect(Array.isArray(json.shards) && json.shards.length <= 100_000, 'shards', path)
  for (const shard of json.shards as unknown[]) {
    expect(
      isObject(shard) &&
        typeof shard.hash === 'string' &&
        /^[0-9a-f]{64}$/.test(shard.hash) &&
        Number.isSafeInteger(shard.size) &&
        (shard.size as number) > 0 &&
        Number.isSafeInteger(shard.docs) &&
        (shard.docs as number) > 0,
      'shard entry',
      path,
    )
  }
  // Every batch holds a document, and a snapshot keeps every document it merged (deleted ones too):
  // one that covers batches but lists no shard would erase what it claims to hold.
  const covers = Object.values(json.coverage as Record<string, number>).some((seq) => seq > 0)
  expect(!covers || (json.shards as unknown[]).length > 0, 'shards (none, for a snapshot of batches)', path)
  expect(typeof json.createdBy === 'string' && isTime(json.createdAt), 'createdBy/createdAt', path)
  return json as ManifestRecord
}

function parseJson(bytes: Uint8Array, path: string, what: string): Record<string, unknown> {
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (error) {
    throw new CorruptBlobError(`${what} is not valid JSON`, path, { cause: error })
  }
  if (!isObject(json)) throw new CorruptBlobError(`${what} is not a JSON object`, path)
  return json
}

function checkFormat(json: Record<string, unknown>, what: string, path: string): void {
  const format = json.format
  if (!Number.isSafeInteger(format) || (format as number) < 1) {
    throw new CorruptBlobError(`${what} has no valid format version`, path)
  }
  if ((format as number) > RECORD_VERSION) {
    throw new UnsupportedVersionError(what, format as number, RECORD_VERSION)
  }
}

function expect(ok: boolean, field: string, path: string): void {
  if (!ok) throw new CorruptBlobError(`invalid or missing ${field}`, path)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isTime(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}

/**
 * A new snapshot's manifest name: the sum of its coverage first (names sort
 * by progress), then its author and a random tail (two devices compacting at
 * once never pick the same name).
 */
export function newManifestName(coverage: Record<string, number>, createdBy: string): string {
  const sum = Object.values(coverage).reduce((a, b) => a + b, 0)
  return `${String(sum).padStart(12, '0')}-${createdBy}-${randomId(6)}`
}

/**
 * A manifest as written to the pool. In an encrypted pool its content is
 * sealed, bound to its pool, epoch and name: nobody without the key can make
 * readers skip logs by inflating its coverage.
 */
export async function manifestToWrite(
  manifest: ManifestRecord,
  name: string,
  poolId: string,
  cipher: BlobCipher | undefined,
): Promise<ManifestRecord> {
  if (!cipher) return manifest
  return {
    ...manifest,
    coverage: {},
    shards: [],
    createdBy: '',
    createdAt: 0,
    sealed: await sealValue(cipher, manifest, manifestAad(poolId, manifest.epoch, name)),
  }
}
