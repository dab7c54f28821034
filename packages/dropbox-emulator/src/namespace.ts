/**
 * The emulated Dropbox: one tree of files and folders with a change sequence, in memory.
 * Bytes are not kept here (see content-store.ts); persistence listens to {@link Namespace.onChange}.
 */
import { randomBytes } from 'node:crypto'
import { dropboxTime, type Entry, type FileEntry, type FolderEntry, type LiveEntry } from './entries.ts'
import { ancestorsOf, isInFolder, lowerPath, nameOf, type ParsedPath } from './paths.ts'

/** How an upload treats an existing file (Dropbox's `WriteMode`). */
export type WriteMode = { kind: 'add' } | { kind: 'overwrite' } | { kind: 'update'; rev: string }

/** Why a write was refused: `WriteConflictError` tags, or a malformed path. */
export class WriteFailure extends Error {
  constructor(readonly reason: 'file' | 'folder' | 'file_ancestor') {
    super(`write conflict: ${reason}`)
  }
}

/** Why a lookup failed: `LookupError` tags. */
export class LookupFailure extends Error {
  constructor(readonly reason: 'not_found' | 'not_file' | 'not_folder') {
    super(`lookup failed: ${reason}`)
  }
}

/** One write of file content. */
export interface CommitRequest {
  path: ParsedPath
  mode: WriteMode
  autorename: boolean
  strictConflict: boolean
  size: number
  contentHash: string
  /** ISO time the client gave; the server time when absent. */
  clientModified?: string
}

/** What {@link Namespace.commit} did. */
export interface CommitResult {
  entry: FileEntry
  /** False when identical content was already there: no new revision. */
  changed: boolean
}

/** A batch of new path states, in sequence order; `reset` wipes everything first. */
export interface ChangeSet {
  seq: number
  entries: Entry[]
  /** New generation id when the namespace was wiped. */
  reset?: string
}

/** State that persistence saves and restores. */
export interface NamespaceSnapshot {
  generation: string
  seq: number
  entries: Entry[]
}

/** The tree. Every mutation is synchronous and reported to listeners before it returns. */
export class Namespace {
  /** Changes when the namespace is wiped; cursors of an older generation get `reset`. */
  generation = newGeneration()
  seq = 0
  private readonly map = new Map<string, Entry>()
  private readonly listeners = new Set<(change: ChangeSet) => void>()
  private readonly now: () => number

  constructor(now: () => number = Date.now) {
    this.now = now
  }

  /** Calls `listener` after every mutation; returns a function that unsubscribes it. */
  onChange(listener: (change: ChangeSet) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** The state of a path, deleted ones included. */
  get(lower: string): Entry | undefined {
    return this.map.get(lower)
  }

  /** The file or folder at a path, if it exists. */
  live(lower: string): LiveEntry | undefined {
    const e = this.map.get(lower)
    return e && e.tag !== 'deleted' ? e : undefined
  }

  /** The file with this `id:`, if it exists. */
  byId(id: string): LiveEntry | undefined {
    for (const e of this.map.values()) if (e.tag !== 'deleted' && e.id === id) return e
    return undefined
  }

  /** Every live file, in path order. */
  files(): FileEntry[] {
    const out: FileEntry[] = []
    for (const e of this.map.values()) if (e.tag === 'file') out.push(e)
    return out.sort((a, b) => (a.lower < b.lower ? -1 : a.lower > b.lower ? 1 : 0))
  }

  /** Content hashes that live files refer to. */
  referencedHashes(): Set<string> {
    const out = new Set<string>()
    for (const e of this.map.values()) if (e.tag === 'file') out.add(e.contentHash)
    return out
  }

  /**
   * Entries in `folder` (a direct child, or any descendant with `recursive`) whose sequence is
   * above `since`, deleted ones only when `withDeleted`, in sequence order.
   */
  select(folder: string, recursive: boolean, since: number, withDeleted: boolean): Entry[] {
    const out: Entry[] = []
    for (const e of this.map.values()) {
      if (e.seq > since && (withDeleted || e.tag !== 'deleted') && isInFolder(e.lower, folder, recursive)) {
        out.push(e)
      }
    }
    return out.sort((a, b) => a.seq - b.seq)
  }

  /** Writes a file's metadata, creating missing parent folders. Throws {@link WriteFailure}. */
  commit(req: CommitRequest): CommitResult {
    let path = req.path
    for (let attempt = 1; ; attempt++) {
      try {
        return this.commitAt(path, req)
      } catch (error) {
        if (!(error instanceof WriteFailure) || !req.autorename || error.reason === 'file_ancestor')
          throw error
        if (attempt > 1000) throw error
        path = renamed(req.path, attempt)
      }
    }
  }

  /** Deletes a file or a folder with everything below it; returns what was deleted. */
  delete(lower: string, parentRev?: string): LiveEntry {
    const target = this.live(lower)
    if (!target) throw new LookupFailure('not_found')
    if (parentRev !== undefined && (target.tag !== 'file' || target.rev !== parentRev)) {
      throw new WriteFailure('file')
    }
    const doomed: LiveEntry[] = []
    if (target.tag === 'folder') {
      for (const e of this.map.values()) {
        if (e.tag !== 'deleted' && e.lower.startsWith(`${lower}/`)) doomed.push(e)
      }
      // Deepest first, so a reader applying deletions in order never sees an orphan.
      doomed.sort((a, b) => b.lower.split('/').length - a.lower.split('/').length)
    }
    doomed.push(target)
    const changed = doomed.map((e) => {
      const tomb: Entry = { tag: 'deleted', lower: e.lower, display: e.display, seq: ++this.seq }
      if (e.tag === 'file') tomb.rev = e.rev
      this.map.set(e.lower, tomb)
      return tomb
    })
    this.emit({ seq: this.seq, entries: changed })
    return target
  }

  /** Wipes every file and folder and starts a new generation (old cursors get `reset`). */
  reset(): void {
    this.map.clear()
    this.generation = newGeneration()
    this.emit({ seq: ++this.seq, entries: [], reset: this.generation })
  }

  /** Applies a change set read back from disk (no listeners are called). */
  apply(change: ChangeSet): void {
    if (change.reset !== undefined) {
      this.map.clear()
      this.generation = change.reset
    }
    for (const e of change.entries) this.map.set(e.lower, e)
    this.seq = Math.max(this.seq, change.seq)
  }

  /** The whole state, for a persistence snapshot. */
  snapshot(): NamespaceSnapshot {
    return { generation: this.generation, seq: this.seq, entries: [...this.map.values()] }
  }

  /** Replaces the whole state by a snapshot (no listeners are called). */
  restore(s: NamespaceSnapshot): void {
    this.map.clear()
    for (const e of s.entries) this.map.set(e.lower, e)
    this.generation = s.generation
    this.seq = s.seq
  }

  // ---- internals ----

  private commitAt(path: ParsedPath, req: CommitRequest): CommitResult {
    for (const a of ancestorsOf(path.lower)) {
      if (this.live(a)?.tag === 'file') throw new WriteFailure('file_ancestor')
    }
    const current = this.map.get(path.lower)
    if (current?.tag === 'folder') throw new WriteFailure('folder')
    if (current?.tag === 'file') {
      const identical = current.contentHash === req.contentHash && current.size === req.size
      const mode = req.mode
      const allowed = mode.kind === 'overwrite' || (mode.kind === 'update' && mode.rev === current.rev)
      if (identical && (allowed || !req.strictConflict)) return { entry: current, changed: false }
      if (!allowed) throw new WriteFailure('file')
      return { entry: this.writeFile(path, req, current), changed: true }
    }
    if (req.mode.kind === 'update') {
      const lastRev = current?.tag === 'deleted' ? current.rev : undefined
      if (req.strictConflict || lastRev !== req.mode.rev) throw new WriteFailure('file')
    }
    return { entry: this.writeFile(path, req, undefined), changed: true }
  }

  private writeFile(path: ParsedPath, req: CommitRequest, current: FileEntry | undefined): FileEntry {
    const changed: Entry[] = []
    const segments = path.display.slice(1).split('/')
    let display = ''
    for (let i = 0; i < segments.length - 1; i++) {
      const a = lowerPath(`${display}/${segments[i]}`)
      const existing = this.live(a)
      display = existing ? existing.display : `${display}/${segments[i]}`
      if (!existing) {
        const folder: FolderEntry = { tag: 'folder', lower: a, display, id: newId(), seq: ++this.seq }
        this.map.set(a, folder)
        changed.push(folder)
      }
    }
    const now = dropboxTime(this.now())
    const seq = ++this.seq
    const file: FileEntry = {
      tag: 'file',
      lower: path.lower,
      display: current ? current.display : `${display}/${nameOf(path.display)}`,
      id: current ? current.id : newId(),
      rev: newRev(seq),
      size: req.size,
      contentHash: req.contentHash,
      clientModified: req.clientModified ?? now,
      serverModified: now,
      seq,
    }
    this.map.set(path.lower, file)
    changed.push(file)
    this.emit({ seq: this.seq, entries: changed })
    return file
  }

  private emit(change: ChangeSet): void {
    for (const listener of this.listeners) listener(change)
  }
}

/** `name (n).ext` next to the original, Dropbox's autorename pattern. */
function renamed(path: ParsedPath, n: number): ParsedPath {
  const name = nameOf(path.display)
  const dot = name.lastIndexOf('.')
  const stem = dot > 0 ? name.slice(0, dot) : name
  const ext = dot > 0 ? name.slice(dot) : ''
  const display = `${path.display.slice(0, path.display.length - name.length)}${stem} (${n})${ext}`
  return { display, lower: display.toLowerCase() }
}

function newId(): string {
  return `id:${randomBytes(16).toString('base64url')}`
}

/** Hex revision: the sequence number (unique, ordered) then random hex, like Dropbox's. */
function newRev(seq: number): string {
  return seq.toString(16).padStart(9, '0') + randomBytes(4).toString('hex')
}

function newGeneration(): string {
  return randomBytes(9).toString('base64url')
}
