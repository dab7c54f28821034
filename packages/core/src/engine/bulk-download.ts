/**
 * Bulk download: a device that must fetch many log files of its epoch (a new
 * device, or one back after months) reads them with one folder read where
 * the store offers one (`BlobStore.getFolder`, Dropbox's `files/download_zip`)
 * instead of one call per file. The rule, per epoch log folder:
 *
 * - fewer than {@link BULK_MIN_FILES} files to fetch: one call per file;
 * - else, when the files to fetch weigh at least half of everything in the
 *   log folder (so at most twice the bytes cross the network), read the folder;
 * - else, read in one go each device's log folder that passes the same test,
 *   and fetch the rest one by one.
 *
 * Folder reads are skipped above {@link BULK_MAX_FILES} files or
 * {@link BULK_MAX_BYTES} bytes, which the pull then fetches file by file.
 * The shards of a snapshot follow the same rule in their folder.
 */
import type { BlobFile, BlobMeta } from '../blob-store.ts'
import type { NamedManifest } from '../remote/records.ts'
import type { SyncContext } from './context.ts'

/** Files to fetch from one folder before a folder read pays off. */
export const BULK_MIN_FILES = 8
/** Largest folder read, in files (Dropbox refuses zips of 10,000 entries). */
export const BULK_MAX_FILES = 5000
/** Largest folder read, in bytes: what it brings is held in memory until applied. */
export const BULK_MAX_BYTES = 256 * 1024 * 1024

/** What folder reads fetched, by path (`undefined`: the file is gone). Paths not in it are fetched one by one. */
export type Prefetched = Map<string, BlobFile | undefined>

/**
 * Reads in bulk what the rule above allows of `files` (log files of `epoch` to
 * fetch). Files in `early` (read ahead, see speculate.ts) are used as they
 * are when the listing shows them at the same revision.
 */
export async function fetchInBulk(
  ctx: SyncContext,
  epoch: string,
  files: ReadonlyArray<{ meta: BlobMeta }>,
  early?: Prefetched,
): Promise<Prefetched> {
  const out: Prefetched = new Map()
  const wanted: BlobMeta[] = []
  for (const { meta } of files) {
    const got = early?.get(meta.path)
    if (got && got.meta.rev === meta.rev) out.set(meta.path, got)
    else wanted.push(meta)
  }
  if (!ctx.remote.getFolder || wanted.length < BULK_MIN_FILES) return out
  const { logs } = ctx.view.epoch(epoch)
  const logDir = `${ctx.core.layout.epochDir(epoch)}log`
  const listed = [...logs.values()].flatMap((byDevice) => [...byDevice.values()])
  if (worthReading(wanted, listed)) {
    await readFolder(ctx, logDir, wanted, out)
    return out
  }
  for (const [deviceId, byDevice] of logs) {
    const dir = `${logDir}/${deviceId}`
    const mine = wanted.filter((meta) => meta.path.startsWith(`${dir}/`))
    if (mine.length >= BULK_MIN_FILES && worthReading(mine, [...byDevice.values()]))
      await readFolder(ctx, dir, mine, out)
  }
  return out
}

/** Reads in bulk the shards of `manifest` the listing shows, when the rule above allows. */
export async function fetchShardsInBulk(ctx: SyncContext, manifest: NamedManifest): Promise<Prefetched> {
  const out: Prefetched = new Map()
  if (!ctx.remote.getFolder || manifest.shards.length < BULK_MIN_FILES) return out
  const { shards } = ctx.view.epoch(manifest.epoch)
  const wanted = manifest.shards.flatMap((shard) => shards.get(shard.hash) ?? [])
  if (wanted.length >= BULK_MIN_FILES && worthReading(wanted, [...shards.values()]))
    await readFolder(ctx, `${ctx.core.layout.epochDir(manifest.epoch)}shards`, wanted, out)
  return out
}

/** True when `wanted` is at least half of the folder's bytes and the folder is within the bounds. */
function worthReading(wanted: BlobMeta[], inFolder: BlobMeta[]): boolean {
  const bytes = (metas: BlobMeta[]) => metas.reduce((n, meta) => n + meta.size, 0)
  const folderBytes = bytes(inFolder)
  return (
    inFolder.length <= BULK_MAX_FILES && folderBytes <= BULK_MAX_BYTES && 2 * bytes(wanted) >= folderBytes
  )
}

async function readFolder(
  ctx: SyncContext,
  folder: string,
  files: BlobMeta[],
  out: Prefetched,
): Promise<void> {
  const got = await ctx.remote.getFolder!(folder, files)
  files.forEach((meta, i) => {
    out.set(meta.path, got[i])
  })
}
