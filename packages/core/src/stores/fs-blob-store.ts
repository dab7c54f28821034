/**
 * A `BlobStore` in a local folder (Node), usable by several processes on one
 * machine at once: a local stand-in for Dropbox in tests, demos and tools.
 *
 * Layout under `dir`:
 * - `files/<lower-case path>`: one line of JSON metadata (rev, size, content
 *   hash), a newline, then the bytes. Metadata and data live in one file so a
 *   single rename replaces both.
 * - `journal`: every change as a JSON line (deletions included); a cursor is
 *   an offset in it.
 * - `lock`: held while a process changes files (see `FolderLock`).
 * - `tmp/`: files being written; `store.json`: the store's identity.
 *
 * A write is written to `tmp/` and flushed, then, under the lock, checked
 * against its mode, renamed into place and journaled.
 */

import { mkdir, readdir, readFile, rename, rmdir, stat, unlink } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { BlobFile, BlobListing, BlobMeta, BlobStore, PutMode } from '../blob-store.ts'
import { contentHash } from '../content-hash.ts'
import { ConflictError, CorruptBlobError, CursorResetError } from '../errors.ts'
import { randomId } from '../ids.ts'
import { encodeHeader, parseHeader, readFileHeader, readStoreId } from './fs-blob-files.ts'
import { FolderLock } from './fs-folder-lock.ts'
import { Journal } from './fs-journal.ts'
import { abortableDelay, errorCode, syncDir, writeNewFile } from './fs-util.ts'
import { abortReason, decodeCursor, encodeCursor, isUnder, normalizePath, normalizePrefix } from './paths.ts'

/** Options of `FsBlobStore.open`. */
export interface FsBlobStoreOptions {
  /** The folder holding the store; created when missing. */
  dir: string
  /** How often `watch` looks at the journal, in ms. Default 200. */
  pollIntervalMs?: number
  /** How long `watch` waits before resolving `false`, in ms. Default 30,000. */
  watchTimeoutMs?: number
  /** How long a write waits for another process holding the folder lock, in ms. Default 10,000. */
  lockTimeoutMs?: number
}

const CURSOR_KIND = 'fs1'
/** Temp files older than this are leftovers of a crashed process. */
const STALE_TEMP_MS = 60 * 60 * 1000

/** A `BlobStore` in a local folder, shared safely by the processes of one machine. */
export class FsBlobStore implements BlobStore {
  /** The folder holding the store. */
  readonly dir: string
  readonly #id: string
  readonly #files: string
  readonly #tmp: string
  readonly #journal: Journal
  readonly #lock: FolderLock
  readonly #pollIntervalMs: number
  readonly #watchTimeoutMs: number
  #queue: Promise<unknown> = Promise.resolve()

  /** Opens the store in `options.dir`, creating it when missing. */
  static async open(options: FsBlobStoreOptions): Promise<FsBlobStore> {
    await mkdir(join(options.dir, 'files'), { recursive: true })
    await mkdir(join(options.dir, 'tmp'), { recursive: true })
    const id = await readStoreId(options.dir)
    await removeStaleTemps(join(options.dir, 'tmp'))
    return new FsBlobStore(options, id)
  }

  private constructor(options: FsBlobStoreOptions, id: string) {
    this.dir = options.dir
    this.#id = id
    this.#files = join(options.dir, 'files')
    this.#tmp = join(options.dir, 'tmp')
    this.#journal = new Journal(join(options.dir, 'journal'))
    this.#pollIntervalMs = options.pollIntervalMs ?? 200
    this.#watchTimeoutMs = options.watchTimeoutMs ?? 30_000
    this.#lock = new FolderLock({
      path: join(options.dir, 'lock'),
      timeoutMs: options.lockTimeoutMs ?? 10_000,
      recover: (paths) => this.#recover(paths),
    })
  }

  /** {@inheritDoc @y-dropbox/core!BlobStore.put} */
  async put(path: string, data: Uint8Array, mode: PutMode): Promise<BlobMeta> {
    const p = normalizePath(path)
    const meta: BlobMeta = {
      path: p,
      rev: randomId(),
      size: data.length,
      contentHash: await contentHash(data),
    }
    const header = encodeHeader(meta)
    const body = new Uint8Array(header.length + data.length)
    body.set(header)
    body.set(data, header.length)
    const temp = join(this.#tmp, `${process.pid}-${randomId()}`)
    await writeNewFile(temp, body)
    try {
      return await this.#exclusive([p], async () => {
        const current = await readFileHeader(this.#fileOf(p), p)
        if (current === 'folder') throw new ConflictError(p, `${p} is a folder; choose another file name`)
        checkMode(p, current, mode, meta)
        if (current && current.contentHash === meta.contentHash && current.size === meta.size) return current
        const target = this.#fileOf(p)
        try {
          await mkdir(dirname(target), { recursive: true })
        } catch (error) {
          if (errorCode(error) !== 'ENOTDIR' && errorCode(error) !== 'EEXIST') throw error
          throw new ConflictError(p, `a parent folder of ${p} is a file; choose another path`, {
            cause: error,
          })
        }
        await rename(temp, target)
        await syncDir(dirname(target))
        await this.#journal.append([meta])
        return meta
      })
    } finally {
      await unlink(temp).catch(() => undefined)
    }
  }

  /** {@inheritDoc @y-dropbox/core!BlobStore.get} */
  async get(path: string): Promise<BlobFile | undefined> {
    const p = normalizePath(path)
    let bytes: Uint8Array
    try {
      bytes = await readFile(this.#fileOf(p))
    } catch (error) {
      if (isMissing(error)) return undefined
      throw error
    }
    const end = bytes.indexOf(10)
    const meta = parseHeader(p, bytes.subarray(0, Math.max(0, end)))
    // A plain Uint8Array copy: a Buffer would slice without copying.
    return { meta, data: new Uint8Array(bytes.subarray(end + 1)) }
  }

  /** {@inheritDoc @y-dropbox/core!BlobStore.list} */
  async list(prefix: string, cursor?: string): Promise<BlobListing> {
    const p = normalizePrefix(prefix)
    if (cursor === undefined) {
      // The journal position is taken first: every change before it is on disk already,
      // and a change after it is reported again by the next cursor listing.
      const position = await this.#journal.end()
      const entries = await this.#walk(p === '' ? this.#files : this.#fileOf(p), p)
      entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
      return { entries, cursor: encodeCursor(CURSOR_KIND, { store: this.#id, position, prefix: p }) }
    }
    const parts = decodeCursor(CURSOR_KIND, cursor, this.#id)
    if (parts.prefix !== p) {
      throw new CursorResetError(
        `the cursor lists "${parts.prefix}", not "${p}"; list "${p}" without a cursor`,
      )
    }
    const { changes, position } = await this.#journal.read(parts.position)
    const latest = new Map<string, BlobMeta>()
    for (const change of changes) {
      if (!isUnder(change.path, p)) continue
      latest.delete(change.path)
      latest.set(change.path, change)
    }
    return {
      entries: [...latest.values()],
      cursor: encodeCursor(CURSOR_KIND, { store: this.#id, position, prefix: p }),
    }
  }

  /** {@inheritDoc @y-dropbox/core!BlobStore.delete} */
  async delete(paths: string[]): Promise<void> {
    const normalized = [...new Set(paths.map(normalizePath))]
    if (normalized.length === 0) return
    await this.#exclusive(normalized, async () => {
      const changes: BlobMeta[] = []
      const folders = new Set<string>()
      for (const p of normalized) {
        try {
          await unlink(this.#fileOf(p))
        } catch (error) {
          // Missing files are ignored; so are folders (EISDIR on Linux, EPERM on macOS).
          if (isMissing(error) || errorCode(error) === 'EPERM') continue
          throw error
        }
        changes.push({ path: p, rev: '', size: 0, contentHash: '', deleted: true })
        folders.add(dirname(this.#fileOf(p)))
      }
      for (const folder of folders) await syncDir(folder).catch(() => undefined)
      await this.#journal.append(changes)
      for (const folder of folders) await this.#pruneEmpty(folder)
    })
  }

  /**
   * Polls the journal every `pollIntervalMs` and resolves `true` once it holds
   * a change under the cursor's folder, `false` after `watchTimeoutMs`.
   */
  async watch(cursor: string, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) throw abortReason(signal)
    const { prefix, position: start } = decodeCursor(CURSOR_KIND, cursor, this.#id)
    const deadline = Date.now() + this.#watchTimeoutMs
    let position = start
    for (;;) {
      const read = await this.#journal.read(position)
      if (read.changes.some((change) => isUnder(change.path, prefix))) return true
      position = read.position
      const left = deadline - Date.now()
      if (left <= 0) return false
      await abortableDelay(Math.min(this.#pollIntervalMs, left), signal, () => abortReason(signal))
    }
  }

  /** Runs `body` alone: after this store's earlier writes, and under the folder lock. */
  #exclusive<T>(paths: string[], body: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => this.#lock.run(paths, body))
    this.#queue = run.catch(() => undefined)
    return run
  }

  /** Journals the current state of `paths`, which a crashed writer may have changed without journaling. */
  async #recover(paths: string[] | undefined): Promise<void> {
    await this.#journal.repairTail()
    const changes: BlobMeta[] = []
    for (const p of paths ?? []) {
      const meta = await readFileHeader(this.#fileOf(p), p)
      if (meta === 'folder') continue
      changes.push(meta ?? { path: p, rev: '', size: 0, contentHash: '', deleted: true })
    }
    await this.#journal.append(changes)
  }

  async #walk(folder: string, logical: string): Promise<BlobMeta[]> {
    let names: Array<{ name: string; isDirectory(): boolean; isFile(): boolean }>
    try {
      names = await readdir(folder, { withFileTypes: true })
    } catch (error) {
      if (isMissing(error)) return []
      throw error
    }
    const out: BlobMeta[] = []
    for (const entry of names) {
      const path = `${logical}/${entry.name}`
      if (entry.isDirectory()) out.push(...(await this.#walk(join(folder, entry.name), path)))
      else if (entry.isFile()) {
        // A file not written by this store (no metadata line) is left out of listings.
        const meta = await readFileHeader(join(folder, entry.name), path).catch((error: unknown) => {
          if (error instanceof CorruptBlobError) return undefined
          throw error
        })
        if (meta && meta !== 'folder') out.push(meta)
      }
    }
    return out
  }

  /** Removes empty folders from `folder` up to (not including) `files/`. */
  async #pruneEmpty(folder: string): Promise<void> {
    for (
      let dir = folder;
      dir.length > this.#files.length && dir.startsWith(this.#files);
      dir = dirname(dir)
    ) {
      try {
        await rmdir(dir)
      } catch {
        return
      }
    }
  }

  #fileOf(path: string): string {
    return join(this.#files, ...path.slice(1).split('/'))
  }
}

/** Throws `ConflictError` unless `mode` allows writing `next` over `current`. */
function checkMode(path: string, current: BlobMeta | undefined, mode: PutMode, next: BlobMeta): void {
  if (mode === 'overwrite') return
  if (mode === 'add') {
    if (current && (current.contentHash !== next.contentHash || current.size !== next.size)) {
      throw new ConflictError(path)
    }
    return
  }
  if (!current || current.rev !== mode.update) {
    const found = current ? `rev ${current.rev}` : 'no file'
    throw new ConflictError(
      path,
      `${path} is no longer at rev ${mode.update} (found ${found}); read it again and retry the update`,
    )
  }
}

/** True for errors meaning "no file there" (missing, a parent is a file, or a folder). */
function isMissing(error: unknown): boolean {
  const code = errorCode(error)
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR'
}

async function removeStaleTemps(tmp: string): Promise<void> {
  for (const name of await readdir(tmp)) {
    const file = join(tmp, name)
    const info = await stat(file).catch(() => undefined)
    if (info && Date.now() - info.mtimeMs > STALE_TEMP_MS) await unlink(file).catch(() => undefined)
  }
}
