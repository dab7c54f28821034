/**
 * Snapshots: the documents of an epoch compacted into content-addressed shards
 * of about `shardBytes` each (documents grouped by a hash of their id, so an
 * unchanged group yields the same shard name and is not uploaded again),
 * described by a manifest that says which log batches they cover.
 */
import { toHex } from '../content-hash.ts'
import { CorruptBlobError, TransientError } from '../errors.ts'
import { manifestAad, shardAad } from '../format/aad.ts'
import { type BlobEntry, decodeBlob, encodeBlob } from '../format/blob.ts'
import { concatBytes } from '../format/bytes.ts'
import { deflate } from '../format/compression.ts'
import { sha256 } from '../platform.ts'
import {
  encodeRecord,
  type ManifestRecord,
  manifestToWrite,
  type NamedManifest,
  newManifestName,
  parseManifest,
} from '../remote/records.ts'
import type { EpochFiles } from '../remote/remote-view.ts'
import { fetchShardsInBulk } from './bulk-download.ts'
import { mapConcurrent, type SyncContext } from './context.ts'
import { hash32 } from './doc-index.ts'
import { openJson } from './encryption.ts'
import { keys } from './local-state.ts'

/** Reads every document of the local store with its index entry. Caller holds the lock. */
export async function readAllDocsLocked(ctx: SyncContext): Promise<BlobEntry[]> {
  const { core } = ctx
  const ids = (await core.store.keys(keys.docPrefix)).map((k) => k.slice(keys.docPrefix.length))
  const updates = await Promise.all(ids.map((id) => core.store.get(keys.doc(id))))
  const entries: BlobEntry[] = []
  ids.forEach((docId, i) => {
    const update = updates[i]
    if (!update) return
    const index = core.index.get(docId)
    const entry: BlobEntry = {
      docId,
      update,
      deleted: index?.deleted ?? false,
      updatedAt: index?.updatedAt ?? 0,
    }
    if (index?.summary !== undefined) entry.summary = index.summary
    entries.push(entry)
  })
  return entries
}

/** Writes the shards of epoch `epoch` of pool `poolId` (skipping those already present), then the manifest. */
export async function writeSnapshot(
  ctx: SyncContext,
  { poolId, epoch }: { poolId: string; epoch: string },
  coverage: Record<string, number>,
  docs: BlobEntry[],
): Promise<NamedManifest> {
  const { core, remote, view } = ctx
  const { state, options, layout } = core
  const total = docs.reduce((n, d) => n + d.update.length, 0)
  // Shards are compressed: aim at shardBytes of stored bytes, using the ratio of a sample.
  const target = options.shardBytes * (await compressionRatio(docs))
  let shardCount = 1
  while (shardCount * target < total) shardCount *= 2
  const groups: BlobEntry[][] = Array.from({ length: shardCount }, () => [])
  for (const doc of docs) groups[hash32(doc.docId) % shardCount]!.push(doc)
  const present = view.epoch(epoch).shards
  const shards: ManifestRecord['shards'] = []
  const uploads: Array<{ path: string; data: Uint8Array; mode: 'add' }> = []
  for (const group of groups) {
    if (group.length === 0) continue
    group.sort((a, b) => (a.docId < b.docId ? -1 : a.docId > b.docId ? 1 : 0))
    const bytes = await encodeBlob(
      { kind: 'shard', epoch, deviceId: '', seq: 0, createdAt: 0, entries: group },
      { compress: true, cipher: ctx.cipher, aad: shardAad(poolId, epoch) },
    )
    const hash = await sha256Hex(bytes)
    if (!present.has(hash)) uploads.push({ path: layout.shard(epoch, hash), data: bytes, mode: 'add' })
    shards.push({ hash, size: bytes.length, docs: group.length })
  }
  await uploadAll(ctx, uploads)
  const manifest: ManifestRecord = {
    format: 1,
    epoch,
    coverage,
    shards,
    createdBy: state.deviceId,
    createdAt: options.now(),
  }
  const name = newManifestName(coverage, state.deviceId)
  const written = await manifestToWrite(manifest, name, poolId!, ctx.cipher)
  view.noteWritten(await remote.put(layout.manifest(epoch, name), encodeRecord(written), 'add'))
  ctx.progress()
  return { ...manifest, name }
}

/** Uploads files in one commit where the store can, else one by one; reports progress. */
async function uploadAll(
  ctx: SyncContext,
  files: Array<{ path: string; data: Uint8Array; mode: 'add' }>,
): Promise<void> {
  const total = files.length
  ctx.progress('uploading-snapshot', 0, total)
  if (ctx.remote.putMany && files.length > 1) {
    for (const meta of await ctx.remote.putMany(files)) ctx.view.noteWritten(meta)
  } else {
    for (const [i, file] of files.entries()) {
      ctx.view.noteWritten(await ctx.remote.put(file.path, file.data, file.mode))
      ctx.progress('uploading-snapshot', i + 1, total)
    }
  }
}

/** Reads (with a cache) and validates the manifests of an epoch; damaged ones are quarantined. */
export async function readManifests(ctx: SyncContext, files: EpochFiles): Promise<NamedManifest[]> {
  const out: NamedManifest[] = []
  for (const name of files.snapshots.keys()) {
    const manifest = await readManifest(ctx, files, name)
    if (manifest) out.push(manifest)
  }
  return out
}

/**
 * The newest manifest of the epoch, reading as few as possible: names start
 * with the zero-padded sum of their coverage, so the largest name is the
 * newest; a damaged one is quarantined and the next is tried.
 */
export async function readNewestManifest(
  ctx: SyncContext,
  files: EpochFiles,
): Promise<NamedManifest | undefined> {
  const names = [...files.snapshots.keys()].sort().reverse()
  for (const name of names) {
    const manifest = await readManifest(ctx, files, name)
    if (manifest) return manifest
  }
  return undefined
}

/** One manifest, from the cache when its rev is unchanged; undefined when missing or damaged. */
async function readManifest(
  ctx: SyncContext,
  files: EpochFiles,
  name: string,
): Promise<NamedManifest | undefined> {
  const { core } = ctx
  const meta = files.snapshots.get(name)
  if (!meta) return undefined
  const cache = ctx.view.cache(core.state.epoch!)
  const cached = cache.manifests.get(meta.path)
  if (cached && cached.rev === meta.rev) return cached.manifest
  if (core.state.quarantine[meta.path] === meta.rev) return undefined
  const got = await ctx.remote.get(meta.path)
  if (!got) return undefined
  try {
    const manifest = {
      ...(await openManifest(ctx, parseManifest(got.data, meta.path), name, meta.path)),
      name,
    }
    if (manifest.epoch !== core.state.epoch)
      throw new CorruptBlobError('manifest names another epoch', meta.path)
    cache.manifests.set(meta.path, { rev: got.meta.rev, manifest })
    return manifest
  } catch (error) {
    ctx.quarantined(meta.path, error)
    core.device.quarantine(meta.path, got.meta.rev)
    return undefined
  }
}

/** Opens a sealed manifest; refuses a plain one in an encrypted pool. */
async function openManifest(
  ctx: SyncContext,
  manifest: ManifestRecord,
  name: string,
  path: string,
): Promise<ManifestRecord> {
  if (!ctx.cipher) {
    if (manifest.sealed !== undefined)
      throw new CorruptBlobError('manifest is sealed, but this device has no key', path)
    return manifest
  }
  if (manifest.sealed === undefined) {
    throw new CorruptBlobError('manifest is not sealed, but this pool is encrypted', path)
  }
  const opened = await openJson<unknown>(
    ctx,
    manifest.sealed,
    manifestAad(ctx.core.state.poolId ?? '', manifest.epoch, name),
  )
  if (opened === undefined) throw new CorruptBlobError('manifest seal does not open (altered or moved)', path)
  return parseManifest(encodeRecord(opened as object), path)
}

/**
 * Downloads and merges a snapshot's shards, then raises coverage to the
 * manifest's. Merging is idempotent, so a snapshot over existing state is safe.
 */
export async function applySnapshot(ctx: SyncContext, manifest: NamedManifest): Promise<void> {
  const { core } = ctx
  const { layout, options } = core
  const epoch = manifest.epoch
  let done = 0
  ctx.progress('downloading-snapshot', done, manifest.shards.length)
  const bulk = await fetchShardsInBulk(ctx, manifest)
  await mapConcurrent(manifest.shards, options.downloadConcurrency, async (shard) => {
    const path = layout.shard(epoch, shard.hash)
    const got = bulk.has(path) ? bulk.get(path) : await ctx.remote.get(path)
    bulk.delete(path)
    if (!got) {
      throw new MissingShardError(`a shard named by the newest snapshot is missing (${path})`)
    }
    if ((await sha256Hex(got.data)) !== shard.hash) {
      throw new CorruptBlobError('shard content does not match its name', path)
    }
    const content = await decodeBlob(got.data, {
      cipher: ctx.cipher,
      aad: shardAad(core.state.poolId!, epoch),
      path,
      hashVerified: true,
    })
    if (content.kind !== 'shard' || content.epoch !== epoch) {
      throw new CorruptBlobError('shard belongs to another epoch', path)
    }
    await core.lock.run(async () => {
      const event = await core.applyRemoteLocked([{ source: 'snapshot', entries: content.entries }], [], true)
      core.events.emit('docs', [event])
    })
    ctx.progress('downloading-snapshot', ++done, manifest.shards.length)
  })
  await core.lock.run(async () => {
    core.device.coverSnapshot(manifest.coverage)
    await core.saveState(core.index.takeWrites())
  })
  ctx.progress()
}

/** How many times smaller the updates get once deflated, from a sample of about 256 KiB. */
async function compressionRatio(docs: BlobEntry[]): Promise<number> {
  const sample: Uint8Array[] = []
  let size = 0
  for (const doc of docs) {
    if (size >= 256 * 1024) break
    sample.push(doc.update)
    size += doc.update.length
  }
  if (size < 4096) return 1
  return Math.max(1, size / (await deflate(concatBytes(sample))).length)
}

/** A shard of the snapshot being read is gone: replaced by a newer snapshot meanwhile, or deleted. */
export class MissingShardError extends TransientError {}

/** SHA-256 of bytes as lower-case hex. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return toHex(await sha256(bytes))
}
