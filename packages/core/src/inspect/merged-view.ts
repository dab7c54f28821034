/**
 * The current state of every entry, built from the pool alone (no device
 * state): the newest snapshot whose shards all read, plus every batch after
 * its coverage. When the newest snapshot is broken, older ones are tried, and
 * whatever its readable shards hold is merged in too (merging is idempotent,
 * so more sources never hurt). Batches that cannot be read are stepped over,
 * as devices do, and named.
 */
import * as Y from 'yjs'
import type { BlobEntry } from '../format/blob.ts'
import type { NamedManifest } from '../remote/records.ts'
import { epochFiles } from './open-pool.ts'
import { problem } from './problems.ts'
import type { PoolReader } from './reader.ts'

/** One entry as the pool holds it now. */
export interface PoolDocument {
  /** The entry's id. */
  id: string
  /** The merged Yjs update (v1) of everything the pool holds for it; empty when not merged. */
  update: Uint8Array
  /** Carries the deleted flag (once deleted, deleted). */
  deleted: boolean
  /** Newest change, ms since the epoch. */
  updatedAt: number
  /** The app's summary from the newest source that had one. */
  summary?: unknown
}

/** The merged view of the current epoch and where it came from. */
export interface MergedView {
  /** The epoch the view was built from. */
  epoch: string
  /** Documents by id, sorted. */
  docs: PoolDocument[]
  /** For each device, the highest batch the view covers (lost batches are stepped over). */
  coverage: Record<string, number>
  /** The snapshot the view starts from, when one could be read whole. */
  base?: NamedManifest
  /** Every manifest of the epoch that could be read, newest first. */
  manifests: NamedManifest[]
  /** Manifests that could not be used (damaged, or a shard missing or damaged). */
  broken: string[]
  /** Batches and shards whose content is not in the view and in no snapshot it used. */
  lost: string[]
  /** Batch files read. */
  logsRead: number
}

/** Builds the merged view of the pool's current epoch. `merge: false` skips Yjs merging (counts only). */
export async function mergedView(reader: PoolReader, merge = true): Promise<MergedView> {
  const { opened } = reader
  const epoch = opened.pool.epoch
  const files = epochFiles(opened.files, epoch)
  const names = [...files.snapshots.keys()]
  reader.phase('Reading snapshots', names.length)
  const manifests = (
    await reader.each(names, (name) => reader.manifest(epoch, name, files.snapshots.get(name)!))
  ).filter((m): m is NamedManifest => m !== undefined)
  manifests.sort((a, b) => coverageSum(b) - coverageSum(a) || (a.name < b.name ? 1 : -1))
  const sources: BlobEntry[][] = []
  const broken = names.filter((name) => !manifests.some((m) => m.name === name))
  let base: NamedManifest | undefined
  /** Unreadable shard paths of each manifest tried before the base. */
  const unreadable = new Map<NamedManifest, string[]>()
  for (const manifest of manifests) {
    reader.phase(`Reading snapshot ${manifest.name}`, manifest.shards.length)
    const shards = await reader.each(manifest.shards, (s) => reader.shard(epoch, s.hash))
    for (const entries of shards) if (entries) sources.push(entries)
    if (shards.every((s) => s !== undefined)) {
      base = manifest
      break
    }
    broken.push(manifest.name)
    unreadable.set(
      manifest,
      manifest.shards.filter((_, i) => !shards[i]).map((s) => opened.layout.shard(epoch, s.hash)),
    )
  }
  if (!base) {
    reader.report(
      problem(
        opened.layout.epochDir(epoch).slice(0, -1),
        'missing',
        'the current epoch has no snapshot that can be read whole',
        'devices stop syncing with this pool (every epoch starts from a snapshot)',
        ['rebuild-snapshot'],
      ),
    )
  }
  const coverage: Record<string, number> = { ...(base?.coverage ?? {}) }
  const lost: string[] = []
  const planned: Array<{ deviceId: string; seq: number }> = []
  for (const [deviceId, logs] of files.logs) {
    const from = (coverage[deviceId] ?? 0) + 1
    const last = Math.max(0, ...logs.keys())
    for (let seq = from; seq <= last; seq++) {
      if (logs.has(seq)) planned.push({ deviceId, seq })
      else {
        const path = opened.layout.log(epoch, deviceId, seq)
        lost.push(path)
        reader.report(
          problem(
            path,
            'missing',
            'a batch is missing between batches that are there',
            'devices that had not applied it step over it: its changes are lost to them',
            ['rebuild-snapshot'],
          ),
        )
      }
    }
    if (last >= from) coverage[deviceId] = last
  }
  reader.phase('Reading changes', planned.length)
  const logs = await reader.each(planned, ({ deviceId, seq }) =>
    reader.log(epoch, deviceId, seq, files.logs.get(deviceId)!.get(seq)!, ['rebuild-snapshot']),
  )
  const readOk = new Set<string>()
  logs.forEach((entries, i) => {
    const { deviceId, seq } = planned[i]!
    if (entries) {
      sources.push(entries)
      readOk.add(`${deviceId}/${seq}`)
    } else lost.push(opened.layout.log(epoch, deviceId, seq))
  })
  // A broken snapshot's unreadable shards are lost unless the base and the batches read since hold it all.
  for (const [manifest, paths] of unreadable) {
    const rebuilt =
      base !== undefined &&
      Object.entries(manifest.coverage).every(([deviceId, covered]) => {
        for (let seq = (base.coverage[deviceId] ?? 0) + 1; seq <= covered; seq++)
          if (!readOk.has(`${deviceId}/${seq}`)) return false
        return true
      })
    if (!rebuilt) for (const path of paths) if (!lost.includes(path)) lost.push(path)
  }
  return {
    epoch,
    docs: mergeSources(sources, merge),
    coverage,
    ...(base ? { base } : {}),
    manifests,
    broken,
    lost,
    logsRead: planned.length,
  }
}

/** Sum of a manifest's coverage: readers take the manifest with the largest. */
export function coverageSum(manifest: { coverage: Record<string, number> }): number {
  return Object.values(manifest.coverage).reduce((a, b) => a + b, 0)
}

function mergeSources(sources: BlobEntry[][], merge: boolean): PoolDocument[] {
  const byId = new Map<string, { doc: PoolDocument; updates: Uint8Array[]; summaryAt: number }>()
  for (const entries of sources) {
    for (const entry of entries) {
      let found = byId.get(entry.docId)
      if (!found) {
        found = {
          doc: { id: entry.docId, update: new Uint8Array(), deleted: false, updatedAt: 0 },
          updates: [],
          summaryAt: -1,
        }
        byId.set(entry.docId, found)
      }
      const { doc } = found
      doc.deleted ||= entry.deleted
      doc.updatedAt = Math.max(doc.updatedAt, entry.updatedAt)
      if (entry.summary !== undefined && entry.updatedAt >= found.summaryAt) {
        doc.summary = entry.summary
        found.summaryAt = entry.updatedAt
      }
      if (merge) found.updates.push(entry.update)
    }
  }
  const docs = [...byId.values()].sort((a, b) => (a.doc.id < b.doc.id ? -1 : a.doc.id > b.doc.id ? 1 : 0))
  return docs.map(({ doc, updates }) => {
    if (merge) doc.update = updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates)
    return doc
  })
}
