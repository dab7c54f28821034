/**
 * What upkeep would reclaim: log batches a compaction would fold into a
 * snapshot, and the files garbage collection would delete, chosen by the
 * engine's own `planGarbage`.
 */
import type { BlobMeta } from '../blob-store.ts'
import { newestManifest, planGarbage } from '../engine/plan.ts'
import type { NamedManifest } from '../remote/records.ts'
import { epochFiles, type OpenedPool } from './open-pool.ts'

/** A number of files and their bytes. */
export interface FileCount {
  /** How many files. */
  files: number
  /** Their size in bytes. */
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
 * the engine's own selection (`planGarbage`) over the listing. `manifests`
 * are the current epoch's readable ones.
 */
export function garbage(
  opened: OpenedPool,
  manifests: NamedManifest[],
  now: number,
  graceMs: number,
): BlobMeta[] {
  const { pool, files, layout } = opened
  const listed = new Map(files.all.map((meta) => [meta.path, meta]))
  return planGarbage({
    epoch: pool.epoch,
    epochAt: pool.epochAt,
    epochs: files.epochs,
    manifests,
    now,
    graceMs,
    layout,
  }).flatMap((path) => listed.get(path) ?? [])
}
