/**
 * Local backups: the whole database saved on this device before a master
 * download replaces it, so nothing typed here is ever lost without a way
 * back. A backup is a blob (`b/<name>`, the blob format with kind `backup`)
 * plus a small record (`bi/<name>`) saying when and why it was taken and
 * which entries held changes not yet uploaded. Edits typed afterwards into a
 * doc the app still held (`bl/<name>/<id>`) join the backup. The newest few
 * are kept.
 */
import * as Y from 'yjs'
import { YDropboxError } from '../errors.ts'
import { decodeBlob, encodeBlob } from '../format/blob.ts'
import type { LocalWrite } from '../local-store.ts'
import type { SyncContext } from './context.ts'
import type { EngineCore } from './core.ts'
import { encodeJson, keys } from './local-state.ts'
import { readAllDocsLocked } from './snapshot.ts'

/** Backups kept; taking one more removes the oldest. */
export const BACKUPS_KEPT = 3

/** What a backup is, without its content. */
export interface BackupInfo {
  /** Its name (a timestamp), as `restoreBackup` takes it. */
  name: string
  /** When it was taken (ms). */
  createdAt: number
  /** Why: the database was replaced by a master download. */
  reason: 'download-master'
  /** Entries in it. */
  entries: number
  /** Entries whose changes had not been uploaded when it was taken (they are only here). */
  unsent: string[]
}

/** One entry of a backup, as `list()` describes a document. */
export interface BackupEntry {
  /** The entry's id. */
  id: string
  /** When it last changed before the backup (ms). */
  updatedAt: number
  /** Whether it carried the deleted flag. */
  deleted: boolean
  /** The app's summary of it, if any (see the `summarize` option). */
  summary?: unknown
  /** Its changes had not been uploaded when the backup was taken. */
  unsent: boolean
}

interface BackupRecord {
  createdAt: number
  reason: BackupInfo['reason']
  entries: number
  unsent: string[]
}

const INFO_PREFIX = 'bi/'
const LATE_PREFIX = 'bl/'
const lateKey = (name: string, id: string) => `${LATE_PREFIX}${name}/${id}`

/** A backup's name for a time: sortable, readable. */
export function backupName(at: number): string {
  return new Date(at).toISOString().replace(/[:.]/g, '-')
}

/**
 * The writes that take backup `name` of every local document (and drop the
 * oldest ones beyond `BACKUPS_KEPT`). Caller holds the lock and writes them
 * in the same batch as whatever replaces the database.
 */
export async function backupWritesLocked(
  ctx: SyncContext,
  name: string,
  reason: BackupInfo['reason'],
): Promise<{ unsent: string[]; writes: LocalWrite[] }> {
  const { core } = ctx
  const docs = await readAllDocsLocked(ctx)
  const createdAt = core.options.now()
  const blob = await encodeBlob(
    {
      kind: 'backup',
      epoch: core.state.epoch ?? '',
      deviceId: core.state.deviceId,
      seq: 0,
      createdAt,
      entries: docs,
    },
    { compress: true },
  )
  const unsent = unsentIds(core)
  const record: BackupRecord = { createdAt, reason, entries: docs.length, unsent }
  const writes: LocalWrite[] = [
    [keys.backup(name), blob],
    [INFO_PREFIX + name, encodeJson(record)],
  ]
  const existing = await core.store.keys(keys.backupPrefix)
  for (const old of existing.slice(0, Math.max(0, existing.length - BACKUPS_KEPT + 1))) {
    const oldName = old.slice(keys.backupPrefix.length)
    writes.push([old, undefined], [INFO_PREFIX + oldName, undefined])
    for (const late of await core.store.keys(`${LATE_PREFIX}${oldName}/`)) writes.push([late, undefined])
    core.device.forgetKeptEdits(oldName)
  }
  return { unsent, writes }
}

/**
 * Keeps an edit made to entry `id`'s superseded `doc` (the app still held it
 * after the master download that took backup `name`): the doc's state joins
 * the backup, and the status names the entry until the backup is restored.
 */
export function keepLateEdit(core: EngineCore, name: string, id: string, doc: Y.Doc): void {
  const run = async () => {
    await core.lock.run(async () => {
      core.device.keepEdit(name, id)
      await core.saveState([[lateKey(name, id), Y.encodeStateAsUpdate(doc)]])
    })
    core.onLocalChange()
  }
  run().catch((error) => core.options.onError(error, `keeping an edit of ${id} in backup ${name} failed`))
}

/** The names of the backups on this device, newest first. */
export async function listBackups(core: EngineCore): Promise<string[]> {
  const names = await core.store.keys(keys.backupPrefix)
  return names.map((k) => k.slice(keys.backupPrefix.length)).reverse()
}

/** When, why and what a backup holds. */
export async function backupInfo(core: EngineCore, name: string): Promise<BackupInfo> {
  const record = await readRecord(core, name)
  return { name, ...record }
}

/** The entries of a backup, with their summaries, without loading documents. */
export async function backupEntries(core: EngineCore, name: string): Promise<BackupEntry[]> {
  const [content, record] = await Promise.all([readBlob(core, name), readRecord(core, name)])
  const unsent = new Set(record.unsent)
  return content.entries.map((e) => ({
    id: e.docId,
    updatedAt: e.updatedAt,
    deleted: e.deleted,
    ...(e.summary !== undefined ? { summary: e.summary } : {}),
    unsent: unsent.has(e.docId),
  }))
}

/** A backed-up entry as a new Y.Doc of its own (not synced): to look into before restoring. */
export async function backupDoc(core: EngineCore, name: string, id: string): Promise<Y.Doc | undefined> {
  const content = await readBlob(core, name)
  const entry = content.entries.find((e) => e.docId === id)
  if (!entry) return undefined
  const doc = new Y.Doc({ guid: id })
  Y.applyUpdate(doc, await withLateEdits(core, name, id, entry.update))
  return doc
}

/**
 * Merges a backup's documents (or only `ids`) back into the local database;
 * they then sync like edits. Returns how many were merged. Restoring a whole
 * backup settles the edits kept in it.
 */
export async function restoreBackup(
  core: EngineCore,
  name: string,
  ids?: readonly string[],
): Promise<number> {
  const content = await readBlob(core, name)
  const wanted = ids ? new Set(ids) : undefined
  let merged = 0
  for (const entry of content.entries) {
    if (wanted && !wanted.has(entry.docId)) continue
    const doc = await core.doc(entry.docId)
    Y.applyUpdate(doc, await withLateEdits(core, name, entry.docId, entry.update))
    merged++
  }
  await core.flush()
  if (!wanted) {
    await core.lock.run(async () => {
      core.device.forgetKeptEdits(name)
      await core.saveState()
    })
    core.onLocalChange()
  }
  return merged
}

/** A backed-up entry with the edits kept after the backup was taken. */
async function withLateEdits(
  core: EngineCore,
  name: string,
  id: string,
  update: Uint8Array,
): Promise<Uint8Array> {
  const late = await core.store.get(lateKey(name, id))
  return late ? Y.mergeUpdates([update, late]) : update
}

/** Entries with changes not on the remote yet. */
function unsentIds(core: EngineCore): string[] {
  const ids = new Set(core.pendingIds)
  for (const docIds of core.outbox.values()) for (const id of docIds) ids.add(id)
  return [...ids].sort()
}

async function readBlob(core: EngineCore, name: string) {
  const bytes = await core.store.get(keys.backup(name))
  if (!bytes) throw new YDropboxError(`there is no backup named ${JSON.stringify(name)} on this device`)
  return decodeBlob(bytes, { path: keys.backup(name) })
}

async function readRecord(core: EngineCore, name: string): Promise<BackupRecord> {
  const bytes = await core.store.get(INFO_PREFIX + name)
  if (bytes) return JSON.parse(new TextDecoder().decode(bytes)) as BackupRecord
  // A backup from before records were kept: what its blob says.
  const content = await readBlob(core, name)
  return {
    createdAt: content.createdAt,
    reason: 'download-master',
    entries: content.entries.length,
    unsent: [],
  }
}
