/**
 * The document half of `SyncEngine`: the collection of entries on this
 * device (open, adopt, list, delete, flush, local backups) and its events.
 * `SyncEngine` adds syncing with the pool.
 */
import type * as Y from 'yjs'
import * as backups from './backups.ts'
import type { EngineCore } from './core.ts'
import type { SyncEngineEvents } from './events.ts'

/** What `list()` returns for each document. */
export interface DocInfo {
  /** The document's id, as passed to `doc(id)`. */
  id: string
  /** When it last changed on any device, in ms since the Unix epoch (that device's clock). */
  updatedAt: number
  /** Whether it carries the deleted flag (see `delete(id)`). */
  deleted: boolean
  /** The app's summary (see the `summarize` option), if any. */
  summary?: unknown
}

/** The documents of one device; see `SyncEngine`. */
export abstract class DocCollection {
  protected constructor(
    /** @internal The engine's local half. */
    protected readonly core: EngineCore,
  ) {}

  /** This device's id in the pool (changes if a clone of this device is detected). */
  get deviceId(): string {
    return this.core.state.deviceId
  }

  /** The pool and epoch this device syncs with, when sync was ever activated. */
  get pool():
    | {
        /** The pool's id, from `pool.json`. */
        poolId: string
        /** The current epoch: a new master starts a new one. */
        epoch: string
      }
    | undefined {
    const { poolId, epoch } = this.core.state
    return poolId && epoch ? { poolId, epoch } : undefined
  }

  /** This device's name, as other devices see it. */
  get deviceName(): string {
    return this.core.state.deviceName
  }

  /** Subscribes to an event. */
  on<K extends keyof SyncEngineEvents>(name: K, listener: SyncEngineEvents[K]): void {
    this.core.events.on(name, listener)
  }

  /** Unsubscribes from an event. */
  off<K extends keyof SyncEngineEvents>(name: K, listener: SyncEngineEvents[K]): void {
    this.core.events.off(name, listener)
  }

  /**
   * The live document `id`, created if it does not exist. Edits are captured,
   * stored and pushed automatically; remote changes are applied to it. Call
   * `doc.destroy()` to release it. After a master download replaced it, the
   * `replaced` event hands over its successor.
   */
  doc(id: string): Promise<Y.Doc> {
    return this.core.doc(id)
  }

  /**
   * Adopts the app's own `doc` (the one its editor binding uses) as entry
   * `id`. Resolves once the stored state of `id` is merged into it; what the
   * doc held before is kept and synced like any edit. From then on its edits
   * are saved and synced, remote changes are applied into it, and `doc(id)`
   * returns it. A new `id` creates the entry. Rejects, changing nothing, when
   * `id` is already open as another doc. Any `gc` setting works; the root
   * name `y-dropbox` is the engine's (it holds the deleted flag).
   */
  attach(id: string, doc: Y.Doc): Promise<void> {
    return this.core.attach(id, doc)
  }

  /** Every document known here, without loading any. */
  list(): DocInfo[] {
    const out: DocInfo[] = []
    // Each info made whole in one literal: objects of one shape, made several times faster at a cold start.
    this.core.index.forEach((id, updatedAt, deleted, summary) => {
      out.push(summary === undefined ? { id, updatedAt, deleted } : { id, updatedAt, deleted, summary })
    })
    return out
  }

  /** Marks a document deleted; it stays deleted whatever other devices do concurrently. */
  async delete(id: string): Promise<void> {
    await this.core.delete(id)
  }

  /** Resolves when every change so far is durable locally and queued for upload. */
  async flush(): Promise<void> {
    await this.core.flush()
  }

  /** Renames this device; other devices see the new name after its next sync. */
  async setDeviceName(name: string): Promise<void> {
    const trimmed = name.trim()
    if (trimmed.length === 0 || trimmed.length > 100)
      throw new RangeError('y-dropbox: a device name needs 1 to 100 characters')
    await this.core.lock.run(async () => {
      this.core.device.rename(trimmed)
      await this.core.saveState()
    })
  }

  /** Names of the local backups taken before master downloads, newest first. */
  backups(): Promise<string[]> {
    return backups.listBackups(this.core)
  }

  /** When and why a backup was taken, and which of its entries held changes never uploaded. */
  backupInfo(name: string): Promise<backups.BackupInfo> {
    return backups.backupInfo(this.core, name)
  }

  /** The entries of a backup (id, summary, deleted, unsent), without loading documents. */
  backupEntries(name: string): Promise<backups.BackupEntry[]> {
    return backups.backupEntries(this.core, name)
  }

  /** One entry of a backup as a detached Y.Doc (not synced), to look into before restoring. */
  backupDoc(name: string, id: string): Promise<Y.Doc | undefined> {
    return backups.backupDoc(this.core, name, id)
  }

  /**
   * Merges a backup (or only the entries `ids`) back into the database; they
   * then sync like edits. Returns how many entries were merged.
   */
  restoreBackup(name: string, ids?: readonly string[]): Promise<number> {
    return backups.restoreBackup(this.core, name, ids)
  }
}
