/**
 * Writing a snapshot the way devices write theirs (content-addressed shards,
 * then the manifest, sealed in an encrypted pool), from documents already
 * merged. Used by `repairPool` to rebuild a snapshot or start a fresh master.
 */
import { hash32 } from '../engine/doc-index.ts'
import { sha256Hex } from '../engine/snapshot.ts'
import { shardAad } from '../format/aad.ts'
import { type BlobEntry, encodeBlob } from '../format/blob.ts'
import {
  encodeRecord,
  type ManifestRecord,
  manifestToWrite,
  newManifestName,
  RECORD_VERSION,
} from '../remote/records.ts'
import type { PoolDocument } from './merged-view.ts'
import type { OpenedPool } from './open-pool.ts'

/** Target size of a shard's documents before compression (the engine's default). */
const SHARD_BYTES = 4 * 1024 * 1024

/** What a snapshot write put in the store. */
export interface WrittenSnapshot {
  /** Path of the manifest. */
  manifest: string
  /** Paths of the shards uploaded (shards already there are not uploaded again). */
  shards: string[]
  docs: number
}

/** Writes shards, then the manifest, into `epoch`. `createdBy` is a valid id naming the writer. */
export async function writeSnapshotFiles(
  opened: OpenedPool,
  epoch: string,
  coverage: Record<string, number>,
  docs: PoolDocument[],
  createdBy: string,
  now: number,
): Promise<WrittenSnapshot> {
  const { store, layout, cipher, pool } = opened
  const total = docs.reduce((n, d) => n + d.update.length, 0)
  let count = 1
  while (count * SHARD_BYTES < total) count *= 2
  const groups: BlobEntry[][] = Array.from({ length: count }, () => [])
  for (const doc of docs) {
    const entry: BlobEntry = {
      docId: doc.id,
      update: doc.update,
      deleted: doc.deleted,
      updatedAt: doc.updatedAt,
    }
    if (doc.summary !== undefined) entry.summary = doc.summary
    groups[hash32(doc.id) % count]!.push(entry)
  }
  const present = opened.files.epochs.get(epoch)?.shards ?? new Map()
  const shards: ManifestRecord['shards'] = []
  const uploaded: string[] = []
  for (const group of groups) {
    if (group.length === 0) continue
    group.sort((a, b) => (a.docId < b.docId ? -1 : a.docId > b.docId ? 1 : 0))
    const bytes = await encodeBlob(
      { kind: 'shard', epoch, deviceId: '', seq: 0, createdAt: 0, entries: group },
      { compress: true, cipher, aad: shardAad(pool.poolId, epoch) },
    )
    const hash = await sha256Hex(bytes)
    if (!present.has(hash)) {
      await store.put(layout.shard(epoch, hash), bytes, 'add')
      uploaded.push(layout.shard(epoch, hash))
    }
    shards.push({ hash, size: bytes.length, docs: group.length })
  }
  const manifest: ManifestRecord = {
    format: RECORD_VERSION,
    epoch,
    coverage,
    shards,
    createdBy,
    createdAt: now,
  }
  const name = newManifestName(coverage, createdBy)
  const written = await manifestToWrite(manifest, name, pool.poolId, cipher)
  const path = layout.manifest(epoch, name)
  await store.put(path, encodeRecord(written), 'add')
  return { manifest: path, shards: uploaded, docs: docs.length }
}
