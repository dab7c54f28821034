/**
 * A read-only `BlobStore` over a plain local copy of a Dropbox app folder, as
 * the Dropbox desktop client keeps it: ordinary files, no metadata of ours.
 * Paths are matched case-insensitively (the disk keeps Dropbox's display
 * case); content hashes are computed with `contentHash` and cached while a
 * file's size and modification time stay the same; a file's rev is derived
 * from its content hash. Cursors live in this object's memory. Every write
 * throws `ReadOnlyStoreError`.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { BlobFile, BlobListing, BlobMeta, BlobStore, PutMode } from '../blob-store.ts'
import { contentHash } from '../content-hash.ts'
import { CursorResetError, NotFoundError, ReadOnlyStoreError } from '../errors.ts'
import { errorCode } from './fs-util.ts'
import { isUnder, normalizePath, normalizePrefix } from './paths.ts'

/** Names the desktop clients and operating systems leave in folders; never pool files. */
const IGNORED = new Set([
  '.dropbox',
  '.dropbox.attr',
  '.dropbox.cache',
  '.ds_store',
  'desktop.ini',
  'thumbs.db',
])
const HASH_CONCURRENCY = 8

/** Options of {@link ReadOnlyFolderStore.open}. */
export interface ReadOnlyFolderStoreOptions {
  /** The local copy of the app folder (e.g. `~/Dropbox/Apps/Pain Diary`); the store's `/`. */
  dir: string
}

/** A read-only `BlobStore` over plain files. */
export class ReadOnlyFolderStore implements BlobStore {
  /** The folder the store reads. */
  readonly dir: string
  readonly #hashes = new Map<string, { size: number; mtimeMs: number; hash: string }>()
  readonly #cursors = new Map<string, { prefix: string; files: Map<string, BlobMeta> }>()
  #cursorCount = 0

  /** Opens the store over `options.dir`; throws `NotFoundError` when it is not a folder. */
  static async open(options: ReadOnlyFolderStoreOptions): Promise<ReadOnlyFolderStore> {
    const info = await stat(options.dir).catch(() => undefined)
    if (!info?.isDirectory()) throw new NotFoundError(options.dir, `${options.dir} is not a folder`)
    return new ReadOnlyFolderStore(options.dir)
  }

  private constructor(dir: string) {
    this.dir = dir
  }

  /** Reads a file of the folder (its name matched case-insensitively), or `undefined` when there is none. */
  async get(path: string): Promise<BlobFile | undefined> {
    const lower = normalizePath(path)
    const file = await this.#resolve(lower)
    if (!file) return undefined
    let data: Uint8Array
    try {
      data = new Uint8Array(await readFile(file))
    } catch (error) {
      if (['ENOENT', 'EISDIR', 'ENOTDIR'].includes(errorCode(error) ?? '')) return undefined
      throw error
    }
    const hash = await contentHash(data)
    return { data, meta: { path: lower, rev: revOf(hash), size: data.length, contentHash: hash } }
  }

  /**
   * Lists the files under `prefix`; with a cursor from an earlier call, only what changed since
   * (deletions included). Cursors are valid for the life of this object.
   */
  async list(prefix: string, cursor?: string): Promise<BlobListing> {
    const folder = normalizePrefix(prefix)
    const before = cursor === undefined ? undefined : this.#cursors.get(cursor)
    if (cursor !== undefined && (!before || before.prefix !== folder)) {
      throw new CursorResetError('this listing cursor is unknown to this folder store; list again')
    }
    const files = await this.#scan(folder)
    const id = `ro1:${++this.#cursorCount}`
    this.#cursors.set(id, { prefix: folder, files })
    if (!before) return { entries: [...files.values()], cursor: id }
    const entries: BlobMeta[] = []
    for (const [path, meta] of files) if (before.files.get(path)?.rev !== meta.rev) entries.push(meta)
    for (const path of before.files.keys()) {
      if (!files.has(path)) entries.push({ path, rev: '', size: 0, contentHash: '', deleted: true })
    }
    return { entries, cursor: id }
  }

  /** Refused: the store is read-only. */
  async put(path: string, _data: Uint8Array, _mode: PutMode): Promise<BlobMeta> {
    throw this.#readOnly(`write ${path}`)
  }

  /** Refused: the store is read-only. */
  async putMany(files: ReadonlyArray<{ path: string }>): Promise<BlobMeta[]> {
    throw this.#readOnly(`write ${files.length} files`)
  }

  /** Refused: the store is read-only. */
  async delete(paths: string[]): Promise<void> {
    throw this.#readOnly(`delete ${paths.length} files`)
  }

  #readOnly(what: string): ReadOnlyStoreError {
    return new ReadOnlyStoreError(
      `cannot ${what}: ${this.dir} is opened read-only (a plain copy of a Dropbox folder); change the pool through Dropbox or the emulator instead`,
    )
  }

  /** Every file under `folder` (lower-case store paths), hashed. */
  async #scan(folder: string): Promise<Map<string, BlobMeta>> {
    const start = folder === '' ? this.dir : await this.#resolve(folder)
    const found: Array<{ path: string; file: string }> = []
    const walk = async (dir: string, path: string): Promise<void> => {
      let names: string[]
      try {
        names = await readdir(dir)
      } catch (error) {
        if (['ENOENT', 'ENOTDIR'].includes(errorCode(error) ?? '')) return
        throw error
      }
      for (const name of names) {
        if (IGNORED.has(name.toLowerCase())) continue
        const file = join(dir, name)
        const child = `${path}/${name.toLowerCase()}`
        const info = await stat(file).catch(() => undefined)
        if (info?.isDirectory()) await walk(file, child)
        else if (info?.isFile()) found.push({ path: child, file })
      }
    }
    if (start) await walk(start, folder)
    const files = new Map<string, BlobMeta>()
    let next = 0
    const worker = async () => {
      while (next < found.length) {
        const { path, file } = found[next++]!
        const meta = await this.#meta(path, file)
        if (meta && isUnder(path, folder)) files.set(path, meta)
      }
    }
    await Promise.all(Array.from({ length: HASH_CONCURRENCY }, worker))
    return files
  }

  async #meta(path: string, file: string): Promise<BlobMeta | undefined> {
    const info = await stat(file).catch(() => undefined)
    if (!info?.isFile()) return undefined
    let cached = this.#hashes.get(file)
    if (!cached || cached.size !== info.size || cached.mtimeMs !== info.mtimeMs) {
      const data = await readFile(file).catch(() => undefined)
      if (!data) return undefined
      cached = { size: data.length, mtimeMs: info.mtimeMs, hash: await contentHash(new Uint8Array(data)) }
      this.#hashes.set(file, cached)
    }
    return { path, rev: revOf(cached.hash), size: cached.size, contentHash: cached.hash }
  }

  /** The local file or folder of a lower-case store path, matching names case-insensitively. */
  async #resolve(lower: string): Promise<string | undefined> {
    let dir = this.dir
    for (const segment of lower.split('/').slice(1)) {
      const exact = join(dir, segment)
      if (
        await stat(exact).then(
          () => true,
          () => false,
        )
      ) {
        dir = exact
        continue
      }
      const names = await readdir(dir).catch(() => [] as string[])
      const name = names.find((n) => n.toLowerCase() === segment)
      if (!name) return undefined
      dir = join(dir, name)
    }
    return dir
  }
}

/** A rev for plain files: changes whenever the content does. */
function revOf(hash: string): string {
  return hash.slice(0, 16)
}
