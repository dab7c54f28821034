/**
 * What upkeep would reclaim: log batches a compaction would fold into a
 * snapshot, and the files garbage collection would delete. The selection
 * mirrors `collectGarbage` in engine/maintenance.ts (the CLI's `gc` runs that
 * one; a test checks both name the same files).
 */
import type { BlobMeta } from '../blob-store.ts'
import { newestManifest } from '../engine/snapshot.ts'
import type { NamedManifest } from '../remote/records.ts'
import { epochFiles, type OpenedPool } from './open-pool.ts'

/** A number of files and their bytes. */
export interface FileCount {
  files: number
  bytes: number
}

/** Log batches beyond the newest snapshot: what the next compaction would fold in. */
export function uncompactedLogs(opened: OpenedPool, manifests: NamedManifest[]): FileCount {
  const newest = newestManifest(manifests)
  const out: FileCount = { files: 0, bytes: 0 }
  for (const [deviceId, logs] of epochFiles(opened.files, opened.pool.epoch).logs) {
    for (const [seq, meta] of logs) {
      if (seq > (newest?.coverage[deviceId] ?? 0)) {
        out.files++
        out.bytes += meta.size
      }
    }
  }
  return out
}

/**
 * The files garbage collection would delete now with grace period `graceMs`:
 * logs every kept snapshot covers (once one is older than the grace period),
 * snapshots older than it except the newest, shards only they use, and
 * epochs superseded for longer than it. `manifests` are the current epoch's
 * readable ones.
 */
export function garbage(
  opened: OpenedPool,
  manifests: NamedManifest[],
  now: number,
  graceMs: number,
): BlobMeta[] {
  const { pool, files } = opened
  const doomed = new Map<string, BlobMeta>()
  const add = (meta: BlobMeta | undefined) => meta && doomed.set(meta.path, meta)
  for (const [epoch, old] of files.epochs) {
    if (epoch === pool.epoch || now - pool.epochAt <= graceMs) continue
    for (const logs of old.logs.values()) for (const meta of logs.values()) add(meta)
    for (const meta of [...old.shards.values(), ...old.snapshots.values()]) add(meta)
  }
  const current = epochFiles(files, pool.epoch)
  const newest = newestManifest(manifests)
  if (!newest) return [...doomed.values()]
  const keep = manifests.filter((m) => m === newest || now - m.createdAt <= graceMs)
  const base = newestManifest(manifests.filter((m) => now - m.createdAt > graceMs))
  if (base) {
    for (const [deviceId, logs] of current.logs) {
      const limit = Math.min(base.coverage[deviceId] ?? 0, ...keep.map((m) => m.coverage[deviceId] ?? 0))
      for (const [seq, meta] of logs) if (seq <= limit) add(meta)
    }
  }
  const kept = new Set(keep.flatMap((m) => m.shards.map((s) => s.hash)))
  for (const manifest of manifests) {
    if (keep.includes(manifest)) continue
    add(current.snapshots.get(manifest.name))
    for (const shard of manifest.shards) if (!kept.has(shard.hash)) add(current.shards.get(shard.hash))
  }
  return [...doomed.values()]
}
