/**
 * The shared state behind `MemoryCloud`: files, an ordered change log, revs
 * and change listeners. Every mutation is synchronous, so each one is atomic
 * with respect to every client of the cloud.
 */

import type { BlobMeta, PutMode } from '../blob-store.ts'
import { ConflictError } from '../errors.ts'
import { type BlobStoreStats, emptyStats } from './memory-faults.ts'
import { isUnder } from './paths.ts'

/** A file held by a memory cloud. */
export interface MemoryFile {
  /** Its metadata, as `get` and `list` report it. */
  readonly meta: BlobMeta
  /** Its bytes. */
  readonly data: Uint8Array
}

/** Called with the log length after each appended change. */
type AppendListener = (logLength: number, change: BlobMeta) => void

let cloudCount = 0

/** @internal The mutable state one memory cloud shares between its clients. */
export class MemoryCloudState {
  /** Current files by lower-case path. */
  readonly files = new Map<string, MemoryFile>()
  /** Every change in order; a cursor is a position in it. */
  readonly log: BlobMeta[] = []
  /** Counters over all clients. */
  readonly stats: BlobStoreStats = emptyStats()
  /** Number of files under each folder that holds any, so file/folder clashes are refused like Dropbox does. */
  readonly #folders = new Map<string, number>()
  readonly #listeners = new Set<AppendListener>()
  readonly #id = `m${++cloudCount}`
  #generation = 0
  #rev = 0

  /** Identity written into cursors; changes when cursors are reset. */
  get cursorId(): string {
    return `${this.#id}g${this.#generation}`
  }

  /** Invalidates every cursor issued so far. */
  resetCursors(): void {
    this.#generation++
  }

  /** Registers a change listener; returns its removal. */
  onAppend(listener: AppendListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Applies a `put` with its mode, atomically. `data` must already be a private copy. */
  write(path: string, data: Uint8Array, hash: string, mode: PutMode): BlobMeta {
    const existing = this.files.get(path)
    const same = existing !== undefined && equalBytes(existing.data, data)
    if (mode === 'add') {
      if (existing && !same) throw new ConflictError(path)
    } else if (mode !== 'overwrite') {
      if (!existing || existing.meta.rev !== mode.update) {
        const found = existing ? `rev ${existing.meta.rev}` : 'no file'
        throw new ConflictError(
          path,
          `${path} is no longer at rev ${mode.update} (found ${found}); read it again and retry the update`,
        )
      }
    }
    if (existing && same) return existing.meta
    if (!existing) this.#checkPlace(path)
    const meta: BlobMeta = { path, rev: this.#nextRev(), size: data.length, contentHash: hash }
    if (!existing) this.#countFolders(path, 1)
    this.files.set(path, { meta, data })
    this.#append(meta)
    return meta
  }

  /** Deletes the existing files among `paths`, atomically. */
  remove(paths: string[]): void {
    for (const path of paths) {
      if (!this.files.delete(path)) continue
      this.#countFolders(path, -1)
      this.#append({ path, rev: '', size: 0, contentHash: '', deleted: true })
    }
  }

  /** The files under `prefix` as they were when the log had `position` changes, sorted by path. */
  snapshot(prefix: string, position: number): BlobMeta[] {
    const out: BlobMeta[] = []
    if (position >= this.log.length) {
      for (const file of this.files.values()) if (isUnder(file.meta.path, prefix)) out.push(file.meta)
    } else {
      const state = new Map<string, BlobMeta>()
      for (let i = 0; i < position; i++) {
        const change = this.log[i]!
        if (!isUnder(change.path, prefix)) continue
        if (change.deleted) state.delete(change.path)
        else state.set(change.path, change)
      }
      out.push(...state.values())
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  }

  /** The latest change per path under `prefix` in log positions `[from, to)`, in log order. */
  changes(prefix: string, from: number, to: number): BlobMeta[] {
    const latest = new Map<string, BlobMeta>()
    for (let i = from; i < Math.min(to, this.log.length); i++) {
      const change = this.log[i]!
      if (!isUnder(change.path, prefix)) continue
      latest.delete(change.path)
      latest.set(change.path, change)
    }
    return [...latest.values()]
  }

  /** True when the log holds a change under `prefix` at or after `position`. */
  hasChangeSince(prefix: string, position: number): boolean {
    for (let i = position; i < this.log.length; i++) if (isUnder(this.log[i]!.path, prefix)) return true
    return false
  }

  /** Throws `ConflictError` when `path` is a folder or one of its parents is a file. */
  #checkPlace(path: string): void {
    if (this.#folders.has(path))
      throw new ConflictError(path, `${path} is a folder; choose another file name`)
    for (let at = path.lastIndexOf('/'); at > 0; at = path.lastIndexOf('/', at - 1)) {
      const parent = path.slice(0, at)
      if (this.files.has(parent)) {
        throw new ConflictError(path, `a parent folder of ${path} is a file (${parent}); choose another path`)
      }
    }
  }

  #countFolders(path: string, delta: 1 | -1): void {
    for (let at = path.lastIndexOf('/'); at > 0; at = path.lastIndexOf('/', at - 1)) {
      const folder = path.slice(0, at)
      const count = (this.#folders.get(folder) ?? 0) + delta
      if (count > 0) this.#folders.set(folder, count)
      else this.#folders.delete(folder)
    }
  }

  #append(change: BlobMeta): void {
    this.log.push(change)
    for (const listener of [...this.#listeners]) listener(this.log.length, change)
  }

  #nextRev(): string {
    return (++this.#rev).toString(16).padStart(9, '0')
  }
}

/** True when both byte arrays hold the same bytes. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
