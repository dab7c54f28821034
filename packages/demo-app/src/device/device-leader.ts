/**
 * The syncing tab's side of a device: the sync engine seen as a document source for the other
 * tabs, and every device operation (`DeviceCalls`) run against it.
 */
import {
  AuthError,
  type DocsEvent,
  PassphraseError,
  randomId,
  type SyncEngine,
  type SyncStatus,
  YDropboxError,
} from '@y-dropbox/core'
import type { RetryInfo } from '@y-dropbox/dropbox-provider'
import * as Y from 'yjs'
import type { CloudLink } from '../cloud/cloud-link.ts'
import { createBackup, readBackup, restoreBackup } from '../model/backup.ts'
import type { ListItem } from '../model/diary-index.ts'
import { initEntry } from '../model/entry.ts'
import { sampleEntries } from '../model/samples.ts'
import type { ActivateOptions, DeviceCalls, DeviceView, RestoreMode } from './device-api.ts'
import type { DocSource, SourceEvents } from './doc-source.ts'
import { localBackupCalls } from './local-backups.ts'
import { needsPassphrase, poolEncryption } from './passphrase.ts'
import { POOL_ROOT } from './pool-root.ts'

/** How often (in entries) a long task reports progress. */
const PROGRESS_EVERY = 50
/** Documents a bulk task keeps open before they are stored and released. */
const BATCH = 200

/** The engine of one device, served to its tabs. */
export class DeviceLeader {
  private readonly listeners = new Set<SourceEvents<DeviceView>>()
  /** Documents opened for tabs: never destroyed by background work. */
  private readonly inUse = new Set<string>()
  private task: DeviceView['task']
  private retry: string | undefined
  /** The engine's last status outside a sync round. */
  private resting: SyncStatus
  /** Operations the user started that are running now. */
  private running = 0
  /**
   * The status of a device whose sync is off, while it is off. A refused activation (wrong or
   * missing passphrase) leaves the engine's status at `error` though nothing changed: sync is
   * still off, and the screen that asked for the passphrase says what went wrong.
   */
  private off: SyncStatus | undefined
  private readonly onStatus = (status: SyncStatus) => {
    if (status.state !== 'syncing') {
      // A retry detail only makes sense while the round that retries is running.
      this.retry = undefined
      this.resting = status
    }
    if (status.state === 'inactive') this.off = status
    this.emitState()
  }
  private readonly onDocs = (event: DocsEvent) => this.emitDocs(event)

  constructor(
    /** The open engine. */
    readonly engine: SyncEngine,
    /** This device's Dropbox link. */
    private readonly cloud: CloudLink,
    /** Whether Dropbox was linked when the engine opened. */
    private linked: boolean,
  ) {
    this.resting = engine.status
    if (engine.status.state === 'inactive') this.off = engine.status
    engine.on('status', this.onStatus)
    engine.on('docs', this.onDocs)
    cloud.onRetry = (info) => this.noteRetry(info)
  }

  /** The engine as the tabs see it. */
  readonly source: DocSource<DeviceView> = {
    doc: (id) => {
      this.inUse.add(id)
      return this.engine.doc(id)
    },
    list: () => this.engine.list(),
    state: () => this.state(),
    subscribe: (events) => {
      this.listeners.add(events)
      return () => this.listeners.delete(events)
    },
  }

  /** The device operations, run here for any tab. */
  readonly calls: DeviceCalls = {
    activate: async (options: ActivateOptions = {}) => {
      if (!this.linked) throw new AuthError('Dropbox is not linked on this device; tap “Link Dropbox” first')
      return this.userOperation(() => this.activate(options.passphrase))
    },
    unlock: (passphrase: string) =>
      this.userOperation(async () => {
        await this.engine.unlock(passphrase)
        // Look at the pool now (a new master waits after a passphrase change) rather than when the
        // background loop's back-off ends; a failure here is in the status, the unlock stands.
        await this.engine.syncNow().catch(() => {})
      }),
    changePassphrase: (passphrase: string) =>
      this.userOperation(() => this.engine.changePassphrase(passphrase)),
    syncNow: () => this.userOperation(() => this.engine.syncNow()),
    downloadMaster: () => this.userOperation(() => this.engine.downloadMaster()),
    uploadMaster: () => this.userOperation(() => this.engine.uploadMaster()),
    deactivate: () => this.userOperation(() => this.engine.deactivate()),
    deleteAllSyncData: () => this.userOperation(() => this.engine.deleteAllSyncData()),
    devices: () => this.engine.devices(),
    rename: async (name) => {
      await this.engine.setDeviceName(name)
      this.emitState()
    },
    linkChanged: async () => {
      await this.cloud.refresh()
      this.linked = await this.cloud.isLinked()
      this.emitState()
      const s = this.engine.status.state
      // Linked again after access was lost: resume at once rather than at the next retry.
      if (this.linked && (s === 'error' || s === 'offline')) void this.engine.syncNow().catch(() => {})
    },
    unlink: async () => {
      if (this.engine.status.state !== 'inactive') await this.engine.deactivate()
      await this.cloud.unlink()
      this.linked = false
      this.emitState()
    },
    deleteEntry: (id) => this.engine.delete(id),
    exportBackup: () =>
      this.withTask('Preparing the backup', (progress) =>
        createBackup(
          { list: () => this.engine.list(), read: (id) => this.read(id) },
          this.engine.deviceName,
          progress,
        ),
      ),
    restoreBackup: async (file: Uint8Array, mode: RestoreMode) => {
      const backup = readBackup(file)
      const opened = new Map<string, Y.Doc>()
      const target = {
        list: () => this.engine.list(),
        doc: async (id: string) => {
          const doc = await this.engine.doc(id)
          opened.set(id, doc)
          return doc
        },
        delete: (id: string) => this.engine.delete(id),
      }
      return this.withTask('Restoring the backup', (progress) =>
        restoreBackup(target, backup, mode, progress).finally(() => this.releaseAfterFlush(opened)),
      )
    },
    ...localBackupCalls(() => this.engine),
    addSamples: (count: number) =>
      this.withTask('Adding sample entries', async (progress) => {
        let done = 0
        let batch = new Map<string, Y.Doc>()
        for (const data of sampleEntries(count, Date.now() >>> 0)) {
          const id = randomId()
          const doc = await this.engine.doc(id)
          initEntry(doc, data)
          batch.set(id, doc)
          progress(++done, count)
          if (batch.size >= BATCH) {
            await this.releaseAfterFlush(batch)
            batch = new Map()
          }
        }
        await this.releaseAfterFlush(batch)
        return done
      }),
  }

  /** Stops listening to the engine. */
  detach(): void {
    this.engine.off('status', this.onStatus)
    this.engine.off('docs', this.onDocs)
    this.cloud.onRetry = undefined
    this.listeners.clear()
  }

  private state(): DeviceView {
    const state: DeviceView = {
      sync: this.shownStatus(),
      linked: this.linked,
      deviceName: this.engine.deviceName,
      cloud: this.cloud.kind,
      encrypted: this.engine.encrypted,
      needsPassphrase: false,
    }
    state.needsPassphrase = needsPassphrase(state.sync)
    if (this.task) state.task = this.task
    if (this.retry) state.retry = this.retry
    return state
  }

  /**
   * The status to show. While a new master waits to be downloaded, the background checks that
   * find it again and again are not news: the device keeps showing what it needs, unless the user
   * started an operation whose progress they are waiting for.
   */
  private shownStatus(): SyncStatus {
    const status = this.engine.status
    if (this.off && status.state !== 'inactive' && this.running === 0) {
      return { ...this.off, pending: status.pending }
    }
    const waiting = this.resting.state === 'needs-master' || needsPassphrase(this.resting)
    if (status.state === 'syncing' && waiting && this.running === 0) {
      return { ...this.resting, pending: status.pending }
    }
    return status
  }

  /**
   * Activates sync. A passphrase is only handed to the engine for a pool that is encrypted or does
   * not exist yet: for a plain pool it would be refused, and the engine would keep it for later
   * attempts.
   */
  private async activate(passphrase: string | undefined): Promise<'created' | 'joined'> {
    if (passphrase !== undefined && (await poolEncryption(this.cloud.remote, POOL_ROOT)) === 'plain') {
      throw new YDropboxError(
        'the sync data in Dropbox is not encrypted, so this device joins it without a passphrase. ' +
          'Untick “Encrypt my diary” to join; then, to encrypt it, use Change Sync Passphrase',
      )
    }
    try {
      const outcome = await this.engine.activate(passphrase === undefined ? {} : { passphrase })
      this.off = undefined
      return outcome
    } catch (error) {
      // Refused for its passphrase: nothing was written and sync is still off. Anything else may
      // have failed after the device joined, so the engine's status is shown as it is.
      if (!(error instanceof PassphraseError)) this.off = undefined
      throw error
    }
  }

  /** Runs an operation the user asked for; its progress shows in the status while it runs. */
  private async userOperation<T>(work: () => Promise<T>): Promise<T> {
    this.running++
    try {
      return await work()
    } finally {
      this.running--
      this.emitState()
    }
  }

  /** Keeps the provider's retry as a technical detail; the sentence shown is the engine's status. */
  private noteRetry(info: RetryInfo): void {
    const wait = Math.max(1, Math.round(info.delayMs / 1000))
    const status = info.status === undefined ? '' : `, HTTP ${info.status}`
    this.retry = `${info.operation}: attempt ${info.attempt} failed (${info.reason}${status}); next attempt in ${wait} s`
    this.emitState()
  }

  private emitState(): void {
    const state = this.state()
    for (const l of this.listeners) l.state(state)
  }

  private emitDocs(event: DocsEvent): void {
    if (event.origin === 'reset') {
      this.inUse.clear()
      for (const l of this.listeners) l.reset()
      return
    }
    const ids = new Set([...event.added, ...event.changed, ...event.deleted])
    const items: ListItem[] = this.engine.list().filter((i) => ids.has(i.id))
    for (const l of this.listeners) l.docs(items)
  }

  /** The state of a document as one update, without keeping it open unless a tab uses it. */
  private async read(id: string): Promise<Uint8Array> {
    const doc = await this.engine.doc(id)
    const update = Y.encodeStateAsUpdate(doc)
    this.release(id, doc)
    return update
  }

  private release(id: string, doc: Y.Doc): void {
    if (!this.inUse.has(id)) doc.destroy()
  }

  /**
   * Releases documents changed in bulk once the engine has stored them: it summarises documents
   * that are open when it writes, so they stay open until then.
   */
  private async releaseAfterFlush(docs: Map<string, Y.Doc>): Promise<void> {
    try {
      await this.engine.flush()
    } finally {
      for (const [id, doc] of docs) this.release(id, doc)
    }
  }

  private async withTask<T>(
    label: string,
    work: (progress: (done: number, total: number) => void) => Promise<T>,
  ): Promise<T> {
    if (this.task) throw new Error(`${this.task.label} is still running; try again when it has finished`)
    this.task = { label, done: 0, total: 0 }
    this.emitState()
    try {
      return await work((done, total) => {
        this.task = { label, done, total }
        if (done === total || done % PROGRESS_EVERY === 0) this.emitState()
      })
    } finally {
      this.task = undefined
      this.emitState()
    }
  }
}
