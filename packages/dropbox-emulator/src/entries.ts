/**
 * What the emulator stores per path, and the JSON shapes Dropbox gives them on the wire.
 */
import { nameOf } from './paths.ts'

/** A file: its metadata; the bytes live in the blob store under `contentHash`. */
export interface FileEntry {
  tag: 'file'
  /** Lower-case path key. */
  lower: string
  /** Path with the case first written. */
  display: string
  /** `id:...`, kept across overwrites, new after delete and re-create. */
  id: string
  /** Hex revision, unique across the emulator's life. */
  rev: string
  size: number
  /** Dropbox content hash (hex), also the key of the bytes in the blob store. */
  contentHash: string
  /** ISO time without milliseconds, as Dropbox writes it. */
  clientModified: string
  serverModified: string
  /** Change sequence number of this state; cursors compare against it. */
  seq: number
}

/** A folder, created explicitly or implied by a file below it. */
export interface FolderEntry {
  tag: 'folder'
  lower: string
  display: string
  id: string
  seq: number
}

/** Something that was deleted, kept so cursors can report the deletion. */
export interface DeletedEntry {
  tag: 'deleted'
  lower: string
  display: string
  seq: number
  /** Last revision when the deleted thing was a file (for update-mode writes after a delete). */
  rev?: string
}

/** Any state of a path. */
export type Entry = FileEntry | FolderEntry | DeletedEntry

/** A file or folder that exists. */
export type LiveEntry = FileEntry | FolderEntry

/** `FileMetadata` as a struct (no `.tag`): upload, download and session results. */
export function fileMetadata(e: FileEntry): Record<string, unknown> {
  return {
    name: nameOf(e.display),
    path_lower: e.lower,
    path_display: e.display,
    id: e.id,
    client_modified: e.clientModified,
    server_modified: e.serverModified,
    rev: e.rev,
    size: e.size,
    is_downloadable: true,
    content_hash: e.contentHash,
  }
}

/** `Metadata` as a union (with `.tag`): get_metadata, delete and listing results. */
export function metadata(e: Entry): Record<string, unknown> {
  if (e.tag === 'file') return { '.tag': 'file', ...fileMetadata(e) }
  const base = { '.tag': e.tag, name: nameOf(e.display), path_lower: e.lower, path_display: e.display }
  return e.tag === 'folder' ? { ...base, id: e.id } : base
}

/** Dropbox's timestamp format: ISO 8601 in UTC without fractions of a second. */
export function dropboxTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
