/**
 * What this device knows of the pool folder, kept up to date with cursor
 * listings: one full listing at start, then only changes. Files are grouped
 * by role so a sync round never re-parses the whole folder.
 */
import type { BlobMeta, BlobStore } from '../blob-store.ts'
import { CursorResetError } from '../errors.ts'
import { EpochCache } from './epoch-cache.ts'
import type { PoolLayout } from './layout.ts'

/** The files of one epoch folder. */
export interface EpochFiles {
  /** deviceId → seq → file. */
  logs: Map<string, Map<number, BlobMeta>>
  shards: Map<string, BlobMeta>
  snapshots: Map<string, BlobMeta>
}

/** A cursor-maintained view of the pool folder. */
export class RemoteView {
  #cursor: string | undefined
  #cache: EpochCache | undefined
  /** Files this device wrote since the last listing: path → rev. */
  readonly #written = new Map<string, string>()
  /** `pool.json`, when listed. */
  pool: BlobMeta | undefined
  readonly devices = new Map<string, BlobMeta>()
  readonly epochs = new Map<string, EpochFiles>()

  constructor(
    private readonly remote: BlobStore,
    private readonly layout: PoolLayout,
  ) {}

  /** The cursor of the last listing, for `watch`. */
  get cursor(): string | undefined {
    return this.#cursor
  }

  /**
   * Lists what changed since the last call (everything on the first), and
   * applies it. Returns how many of the changes were made by others: every
   * change except the writes this device recorded with `noteWritten`.
   */
  async refresh(): Promise<number> {
    let result: { entries: BlobMeta[]; cursor: string }
    try {
      result = await this.remote.list(this.layout.root, this.#cursor)
    } catch (error) {
      if (!(error instanceof CursorResetError) || this.#cursor === undefined) throw error
      this.reset()
      result = await this.remote.list(this.layout.root)
    }
    const full = this.#cursor === undefined
    if (full) this.clearFiles()
    let foreign = 0
    for (const entry of result.entries) {
      const path = entry.path.toLowerCase()
      if (full || entry.deleted || this.#written.get(path) !== entry.rev) foreign++
      this.#apply(entry)
    }
    this.#written.clear()
    this.#cursor = result.cursor
    return foreign
  }

  /** The caches of `epoch`; those of any other epoch are dropped. */
  cache(epoch: string): EpochCache {
    if (this.#cache?.epoch !== epoch) this.#cache = new EpochCache(epoch)
    return this.#cache
  }

  /** Forgets the cursor: the next refresh lists everything again. */
  reset(): void {
    this.#cursor = undefined
  }

  /** The files of `epoch` (empty when none are known). */
  epoch(epoch: string): EpochFiles {
    return this.epochs.get(epoch) ?? { logs: new Map(), shards: new Map(), snapshots: new Map() }
  }

  /** True when the last listing shows a file at `path` (pool, epoch files). */
  has(path: string): boolean {
    if (path === this.layout.pool) return this.pool !== undefined
    const file = this.layout.parseEpochPath(path)
    if (!file) return false
    const files = this.epochs.get(file.epoch)
    if (!files) return false
    if (file.type === 'log') return files.logs.get(file.deviceId)?.has(file.seq) ?? false
    if (file.type === 'shard') return files.shards.has(file.hash)
    return files.snapshots.has(file.name)
  }

  /** Records a file this device just wrote, so the round does not wait for the listing. */
  noteWritten(meta: BlobMeta): void {
    this.#apply(meta)
    this.#written.set(meta.path.toLowerCase(), meta.rev)
  }

  /** This device wrote since the last listing: the cursor predates its own files. */
  get wroteSinceRefresh(): boolean {
    return this.#written.size > 0
  }

  private clearFiles(): void {
    this.pool = undefined
    this.devices.clear()
    this.epochs.clear()
  }

  #apply(entry: BlobMeta): void {
    const path = entry.path.toLowerCase()
    const removed = entry.deleted === true
    // A deleted folder is reported once (Dropbox does): forget everything under it.
    if (removed && !path.endsWith('.json') && !path.endsWith('.ydu') && !path.endsWith('.yds')) {
      this.#forgetUnder(`${path}/`)
      return
    }
    if (path === this.layout.pool) {
      this.pool = removed ? undefined : entry
      return
    }
    if (path.startsWith(this.layout.devicesDir)) {
      const id = path.slice(this.layout.devicesDir.length).replace(/\.json$/, '')
      if (removed) this.devices.delete(id)
      else this.devices.set(id, entry)
      return
    }
    const file = this.layout.parseEpochPath(path)
    if (!file) return
    let files = this.epochs.get(file.epoch)
    if (!files) {
      if (removed) return
      files = { logs: new Map(), shards: new Map(), snapshots: new Map() }
      this.epochs.set(file.epoch, files)
    }
    if (file.type === 'log') {
      let byDevice = files.logs.get(file.deviceId)
      if (!byDevice) {
        byDevice = new Map()
        files.logs.set(file.deviceId, byDevice)
      }
      if (removed) byDevice.delete(file.seq)
      else byDevice.set(file.seq, entry)
      if (byDevice.size === 0) files.logs.delete(file.deviceId)
    } else if (file.type === 'shard') {
      if (removed) files.shards.delete(file.hash)
      else files.shards.set(file.hash, entry)
    } else if (removed) files.snapshots.delete(file.name)
    else files.snapshots.set(file.name, entry)
    // An epoch whose files are all gone is no longer there (a deleted pool leaves none).
    if (removed) this.#dropIfEmpty(file.epoch)
  }

  #dropIfEmpty(epoch: string): void {
    const files = this.epochs.get(epoch)
    if (files && files.logs.size === 0 && files.shards.size === 0 && files.snapshots.size === 0)
      this.epochs.delete(epoch)
  }

  #forgetUnder(prefix: string): void {
    if (this.layout.pool.startsWith(prefix)) this.pool = undefined
    if (this.layout.devicesDir.startsWith(prefix)) this.devices.clear()
    else if (prefix.startsWith(this.layout.devicesDir)) return
    for (const epoch of [...this.epochs.keys()]) {
      const dir = this.layout.epochDir(epoch)
      if (dir.startsWith(prefix)) {
        this.epochs.delete(epoch)
        continue
      }
      if (!prefix.startsWith(dir)) continue
      const files = this.epochs.get(epoch)!
      const under = (meta: BlobMeta) => meta.path.startsWith(prefix)
      for (const [device, logs] of files.logs) {
        for (const [seq, meta] of logs) if (under(meta)) logs.delete(seq)
        if (logs.size === 0) files.logs.delete(device)
      }
      for (const [k, meta] of files.shards) if (under(meta)) files.shards.delete(k)
      for (const [k, meta] of files.snapshots) if (under(meta)) files.snapshots.delete(k)
      this.#dropIfEmpty(epoch)
    }
  }
}
