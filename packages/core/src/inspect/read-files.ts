/**
 * Reading one file of a pool and checking it as a device does: size and
 * content hash against the listing, then magic, version, checksum or AEAD
 * tag, identity against the path, and the Yjs updates inside. Each reader
 * returns the content, or the problem that keeps a device from using it.
 */
import * as Y from 'yjs'
import type { BlobMeta } from '../blob-store.ts'
import { contentHash } from '../content-hash.ts'
import { sha256Hex } from '../engine/snapshot.ts'
import { CorruptBlobError, UnsupportedVersionError } from '../errors.ts'
import { deviceAad, logAad, manifestAad, shardAad } from '../format/aad.ts'
import { type BlobEntry, decodeBlob } from '../format/blob.ts'
import { openSealed } from '../format/sealed.ts'
import {
  type DeviceRecord,
  encodeRecord,
  type NamedManifest,
  parseDevice,
  parseManifest,
} from '../remote/records.ts'
import type { OpenedPool } from './open-pool.ts'
import { type PoolProblem, problem, type Remedy, reason } from './problems.ts'

/** A file's content, or why it cannot be used. */
export type Read<T> = { ok: true; value: T; bytes: number } | { ok: false; problem: PoolProblem }

/** What a damaged file of each kind means for devices. */
const MEANING = {
  log: 'devices skip this batch: its changes reach no device that had not applied them before',
  shard:
    'the snapshots that name this shard cannot be read: new devices and devices far behind set them aside',
  manifest: 'devices ignore this snapshot',
  device: 'the device list leaves this device out; syncing is not affected',
} as const

/** Downloads a file and checks it against its listing entry. */
async function fetchFile(
  opened: OpenedPool,
  meta: BlobMeta,
  what: keyof typeof MEANING,
  remedies: Remedy[],
): Promise<Read<Uint8Array>> {
  const got = await opened.store.get(meta.path)
  if (!got) {
    return {
      ok: false,
      problem: problem(meta.path, 'missing', 'listed, but gone when downloaded', MEANING[what], remedies),
    }
  }
  const damaged = (message: string) => ({
    ok: false as const,
    problem: problem(meta.path, 'damaged', message, MEANING[what], ['quarantine', ...remedies]),
  })
  if (got.data.length !== got.meta.size) {
    return damaged(`${got.data.length} bytes downloaded, the store says ${got.meta.size}`)
  }
  if (got.meta.contentHash && (await contentHash(got.data)) !== got.meta.contentHash) {
    return damaged("the bytes do not match the store's content hash")
  }
  return { ok: true, value: got.data, bytes: got.data.length }
}

/** Reads and checks a log batch (`epochs/<epoch>/log/<device>/<seq>.ydu`). */
export async function readLog(
  opened: OpenedPool,
  epoch: string,
  deviceId: string,
  seq: number,
  meta: BlobMeta,
  /** Extra remedies for a damaged batch (one no snapshot covers needs a new snapshot). */
  remedies: Remedy[] = [],
): Promise<Read<BlobEntry[]>> {
  const file = await fetchFile(opened, meta, 'log', remedies)
  if (!file.ok) return file
  try {
    const content = await decodeBlob(file.value, {
      cipher: opened.cipher,
      aad: logAad(opened.pool.poolId, epoch, deviceId, seq),
      path: meta.path,
    })
    if (
      content.kind !== 'log' ||
      content.epoch !== epoch ||
      content.deviceId !== deviceId ||
      content.seq !== seq
    ) {
      throw new CorruptBlobError('batch content does not match its path (moved or replayed file)', meta.path)
    }
    checkUpdates(content.entries, meta.path)
    return { ok: true, value: content.entries, bytes: file.bytes }
  } catch (error) {
    return damagedBy(meta.path, error, 'log', remedies)
  }
}

/** Reads and checks a shard: its name is the SHA-256 of its bytes. */
export async function readShard(
  opened: OpenedPool,
  epoch: string,
  hash: string,
  meta: BlobMeta | undefined,
): Promise<Read<BlobEntry[]>> {
  const path = opened.layout.shard(epoch, hash)
  if (!meta) {
    return {
      ok: false,
      problem: problem(path, 'missing', 'a snapshot names this shard, but it is not there', MEANING.shard, [
        'rebuild-snapshot',
      ]),
    }
  }
  const file = await fetchFile(opened, meta, 'shard', ['rebuild-snapshot'])
  if (!file.ok) return file
  try {
    if ((await sha256Hex(file.value)) !== hash) {
      throw new CorruptBlobError('shard content does not match its name', path)
    }
    const content = await decodeBlob(file.value, {
      cipher: opened.cipher,
      aad: shardAad(opened.pool.poolId, epoch),
      path,
      hashVerified: true,
    })
    if (content.kind !== 'shard' || content.epoch !== epoch) {
      throw new CorruptBlobError('shard belongs to another epoch', path)
    }
    checkUpdates(content.entries, path)
    return { ok: true, value: content.entries, bytes: file.bytes }
  } catch (error) {
    return damagedBy(path, error, 'shard', ['rebuild-snapshot'])
  }
}

/** Reads a snapshot manifest, opening its seal in an encrypted pool. */
export async function readManifest(
  opened: OpenedPool,
  epoch: string,
  name: string,
  meta: BlobMeta,
): Promise<Read<NamedManifest>> {
  const file = await fetchFile(opened, meta, 'manifest', ['rebuild-snapshot'])
  if (!file.ok) return file
  try {
    let manifest = parseManifest(file.value, meta.path)
    const { cipher } = opened
    if (!cipher && manifest.sealed !== undefined) {
      throw new CorruptBlobError('manifest is sealed, but the pool is not encrypted', meta.path)
    }
    if (cipher) {
      if (manifest.sealed === undefined) {
        throw new CorruptBlobError('manifest is not sealed, but the pool is encrypted', meta.path)
      }
      const inner = await openSealed<object>(
        cipher,
        manifest.sealed,
        manifestAad(opened.pool.poolId, epoch, name),
      )
      if (inner === undefined)
        throw new CorruptBlobError('manifest seal does not open (altered or moved)', meta.path)
      manifest = parseManifest(encodeRecord(inner), meta.path)
    }
    if (manifest.epoch !== epoch) throw new CorruptBlobError('manifest names another epoch', meta.path)
    return { ok: true, value: { ...manifest, name }, bytes: file.bytes }
  } catch (error) {
    return damagedBy(meta.path, error, 'manifest', ['rebuild-snapshot'])
  }
}

/** Reads a device record, opening its seal in an encrypted pool. */
export async function readDevice(
  opened: OpenedPool,
  deviceId: string,
  meta: BlobMeta,
): Promise<Read<DeviceRecord>> {
  const file = await fetchFile(opened, meta, 'device', [])
  if (!file.ok) return file
  try {
    let record = parseDevice(file.value, meta.path)
    if (record.deviceId !== deviceId)
      throw new CorruptBlobError('device record names another device', meta.path)
    if (record.sealed !== undefined) {
      if (!opened.cipher)
        throw new CorruptBlobError('device record is sealed, but the pool is not encrypted', meta.path)
      const inner = await openSealed<DeviceRecord>(
        opened.cipher,
        record.sealed,
        deviceAad(opened.pool.poolId, deviceId),
      )
      if (inner?.deviceId !== deviceId)
        throw new CorruptBlobError('device record seal does not open', meta.path)
      record = inner
    }
    return { ok: true, value: record, bytes: file.bytes }
  } catch (error) {
    return damagedBy(meta.path, error, 'device', [])
  }
}

function checkUpdates(entries: BlobEntry[], path: string): void {
  for (const entry of entries) {
    try {
      Y.decodeUpdate(entry.update)
    } catch (error) {
      throw new CorruptBlobError(
        `holds a malformed Yjs update for document ${JSON.stringify(entry.docId)}`,
        path,
        {
          cause: error,
        },
      )
    }
  }
}

function damagedBy(
  path: string,
  error: unknown,
  what: keyof typeof MEANING,
  remedies: Remedy[],
): Read<never> {
  if (error instanceof UnsupportedVersionError) {
    // Not damage: a newer app wrote it. Devices of this version wait for an update; nothing to repair.
    const meaning = 'devices of this version leave it aside until they are updated'
    return { ok: false, problem: problem(path, 'unexpected', reason(error), meaning, [], 'warning') }
  }
  if (!(error instanceof CorruptBlobError)) throw error
  return {
    ok: false,
    problem: problem(path, 'damaged', reason(error), MEANING[what], ['quarantine', ...remedies]),
  }
}
