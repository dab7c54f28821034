/**
 * Backup and restore of the whole diary as one JSON file. Each entry is stored twice: as readable
 * fields (for people and other tools) and as its Yjs state (base64), which restore uses so that a
 * merge keeps every edit's history. Restore either merges the backup into the diary or replaces the
 * diary by it.
 */
import { randomId } from '@y-dropbox/core'
import * as Y from 'yjs'
import type { ListItem } from './diary-index.ts'
import { type EntryData, readEntry, writeEntry } from './entry.ts'

/** Format tag of backup files. */
export const BACKUP_FORMAT = 'pain-diary-backup'
/** Newest backup version this app writes and reads. */
export const BACKUP_VERSION = 1

/** One entry in a backup file. */
export interface BackupEntry {
  /** Entry id. */
  id: string
  /** Readable copy of the entry. */
  entry: EntryData
  /** The entry's Yjs state, base64. */
  update: string
}

/** A parsed backup file. */
export interface BackupFile {
  format: typeof BACKUP_FORMAT
  version: number
  /** When it was made (ISO 8601). */
  exportedAt: string
  /** Name of the device it was made on. */
  device: string
  entries: BackupEntry[]
}

/** What a backup is read from. */
export interface BackupSource {
  /** Every entry, deleted ones included. */
  list(): ListItem[]
  /** The state of entry `id` as one Yjs update. */
  read(id: string): Promise<Uint8Array>
}

/** What a backup is restored into (the engine fits). */
export interface RestoreTarget {
  /** Every entry, deleted ones included. */
  list(): ListItem[]
  /** The live document of entry `id`, created if new. */
  doc(id: string): Promise<Y.Doc>
  /** Deletes entry `id`. */
  delete(id: string): Promise<void>
}

/** A backup file could not be read. */
export class BackupError extends Error {
  override name = 'BackupError'
}

/** Writes every entry that is not deleted into a backup file. `onProgress` is called as entries are read. */
export async function createBackup(
  source: BackupSource,
  device: string,
  onProgress: (done: number, total: number) => void = () => {},
  now = new Date(),
): Promise<Uint8Array> {
  const items = source.list().filter((i) => !i.deleted)
  const entries: BackupEntry[] = []
  for (const item of items) {
    const update = await source.read(item.id)
    const doc = new Y.Doc()
    Y.applyUpdate(doc, update)
    entries.push({ id: item.id, entry: readEntry(doc), update: toBase64(update) })
    doc.destroy()
    onProgress(entries.length, items.length)
  }
  const file: BackupFile = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    exportedAt: now.toISOString(),
    device,
    entries,
  }
  return new TextEncoder().encode(JSON.stringify(file))
}

/** Parses and checks a backup file; throws `BackupError` saying what is wrong. */
export function readBackup(bytes: Uint8Array): BackupFile {
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (cause) {
    throw new BackupError(
      'This file is not a pain diary backup (it is not JSON text); choose a .json backup file',
      {
        cause,
      },
    )
  }
  const file = json as Partial<BackupFile>
  if (typeof json !== 'object' || json === null || file.format !== BACKUP_FORMAT) {
    throw new BackupError('This file is not a pain diary backup; choose a file made with "Download backup"')
  }
  if (typeof file.version !== 'number' || file.version > BACKUP_VERSION) {
    throw new BackupError(
      `This backup was made by a newer version of the app (version ${file.version}); update the app first`,
    )
  }
  if (!Array.isArray(file.entries)) throw new BackupError('This backup has no list of entries; it is damaged')
  for (const [i, e] of file.entries.entries()) {
    if (typeof e?.id !== 'string' || typeof e.update !== 'string') {
      throw new BackupError(`Entry ${i + 1} of this backup is damaged (no id or content)`)
    }
    try {
      const doc = new Y.Doc()
      Y.applyUpdate(doc, fromBase64(e.update))
      doc.destroy()
    } catch (cause) {
      throw new BackupError(`Entry ${i + 1} of this backup is damaged and cannot be read`, { cause })
    }
  }
  return {
    format: BACKUP_FORMAT,
    version: file.version,
    exportedAt: typeof file.exportedAt === 'string' ? file.exportedAt : '',
    device: typeof file.device === 'string' ? file.device : '',
    entries: file.entries,
  }
}

/** Counts of what a restore did. */
export interface RestoreCounts {
  added: number
  updated: number
  removed: number
}

/**
 * Restores a checked backup. `merge`: every backup entry is merged into the diary (edits on both
 * sides kept); entries only on the device stay. `replace`: the diary becomes the backup: entries
 * are overwritten with the backup's fields and entries missing from the backup are deleted. An
 * entry deleted on the device comes back under a new id, since deletion always wins a merge.
 */
export async function restoreBackup(
  target: RestoreTarget,
  backup: BackupFile,
  mode: 'merge' | 'replace',
  onProgress: (done: number, total: number) => void = () => {},
): Promise<RestoreCounts> {
  const known = new Map(target.list().map((i) => [i.id, i]))
  const counts: RestoreCounts = { added: 0, updated: 0, removed: 0 }
  const total = backup.entries.length
  let done = 0
  for (const e of backup.entries) {
    const current = known.get(e.id)
    const update = fromBase64(e.update)
    if (!current || current.deleted) {
      const doc = await target.doc(current ? randomId() : e.id)
      Y.applyUpdate(doc, update)
      counts.added++
    } else {
      const doc = await target.doc(e.id)
      if (mode === 'merge') Y.applyUpdate(doc, update)
      else {
        const incoming = new Y.Doc()
        Y.applyUpdate(incoming, update)
        writeEntry(doc, readEntry(incoming))
        incoming.destroy()
      }
      counts.updated++
    }
    onProgress(++done, total)
  }
  if (mode === 'replace') {
    const keep = new Set(backup.entries.map((e) => e.id))
    for (const item of known.values()) {
      if (item.deleted || keep.has(item.id)) continue
      await target.delete(item.id)
      counts.removed++
    }
  }
  return counts
}

/** Base64 of bytes (no line breaks). */
export function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return btoa(binary)
}

/** Bytes of base64 text; throws on invalid input. */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}
