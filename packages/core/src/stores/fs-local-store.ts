/**
 * A crash-safe `LocalStore` in a folder (Node), one process at a time.
 *
 * Every batch is appended to `data.log` as one checksummed record and flushed
 * before `write` resolves; on open the records are scanned into an in-memory
 * index (key → where its value is) and a torn or corrupt tail is cut off, so
 * after a crash each batch is wholly there or wholly absent. Values are read
 * on demand (up to 64 KiB without leaving the thread). When superseded records
 * outweigh live ones, the live entries are rewritten to a new file that
 * replaces the old one by rename.
 */

import { mkdir, open, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { CorruptBlobError, YDropboxError } from '../errors.ts'
import type { LocalStore, LocalStoreClaim, LocalWrite } from '../local-store.ts'
import { ClaimFlag } from './claim.ts'
import { closedError } from './closed.ts'
import { checkHeader, encodeRecord, fileHeader, HEADER_SIZE, scanLog, type ValueRef } from './fs-local-log.ts'
import { ProcessLock } from './fs-process-lock.ts'
import { errorCode, readAt, readAtSync, syncDir, writeAll, writeFileAtomic } from './fs-util.ts'

/** Options of `FsLocalStore.open`. */
export interface FsLocalStoreOptions {
  /** The folder holding the store; created when missing. */
  dir: string
  /** Compaction starts only once superseded bytes exceed this. Default 8 MiB. */
  compactMinGarbageBytes?: number
  /** ...and make up more than this share of the file. Default 0.5. */
  compactGarbageRatio?: number
  /** Most payload bytes per record when compacting. Default 4 MiB. */
  compactRecordBytes?: number
  /**
   * Told about failures that do not fail a call: a compaction that could not
   * finish (the store keeps its current file and tries again later).
   */
  onError?: (error: unknown) => void
}

/** What opening had to repair. */
export interface FsLocalStoreRecovery {
  /** Bytes of a torn or corrupt tail cut off the log (0 after a clean shutdown). */
  truncatedBytes: number
}

type FileHandle = Awaited<ReturnType<typeof open>>

/** An open log file and the reads in flight on it, so compaction closes it only when they finish. */
interface LogFile {
  handle: FileHandle
  readers: number
  idle?: () => void
}

const LOG = 'data.log'
const COMPACT_TEMP = 'data.log.compact'
/** Bytes counted per live entry besides its key and value (flag, lengths). */
const ENTRY_OVERHEAD = 6
/**
 * Values up to this size are read synchronously (`readAtSync`): opening an
 * entry costs one read, and the thread pool's round trip was most of it. Larger
 * values are read asynchronously, where the read itself outweighs the hop and
 * blocking would be felt.
 */
const SYNC_READ_BYTES = 64 * 1024

/** A `LocalStore` in an append-only, checksummed log file. */
export class FsLocalStore implements LocalStore {
  /** The folder holding the store. */
  readonly dir: string
  /** What opening repaired. */
  readonly recovery: FsLocalStoreRecovery
  readonly #options: FsLocalStoreOptions
  readonly #lock: ProcessLock
  readonly #claims = new ClaimFlag()
  /**
   * Key → slot of where its value is, in `#offsets` and `#lengths`: plain
   * numbers rather than an object per key, which at 100,000 keys the garbage
   * collector would walk through for as long as the store is open.
   */
  readonly #slots = new Map<string, number>()
  #offsets = new Float64Array(1024)
  #lengths = new Float64Array(1024)
  /** Slots freed by deletions, reused first. */
  readonly #freeSlots: number[] = []
  /** Slots handed out so far. */
  #slotCount = 0
  #file: LogFile
  #end: number
  #liveBytes = 0
  #queue: Promise<unknown> = Promise.resolve()
  #closing: Promise<void> | undefined
  #broken: unknown

  /**
   * Opens the store in `options.dir`, creating it when missing. Rejects when
   * another live process has it open.
   */
  static async open(options: FsLocalStoreOptions): Promise<FsLocalStore> {
    await mkdir(options.dir, { recursive: true })
    const lock = await ProcessLock.acquire(join(options.dir, 'LOCK'), `the local store in ${options.dir}`)
    let handle: FileHandle | undefined
    try {
      await rm(join(options.dir, COMPACT_TEMP), { force: true })
      const path = join(options.dir, LOG)
      handle = await open(path, 'r+').catch(async (error: unknown) => {
        if (errorCode(error) !== 'ENOENT') throw error
        await writeFileAtomic(path, fileHeader())
        return open(path, 'r+')
      })
      const size = (await handle.stat()).size
      checkHeader(await readAt(handle, 0, HEADER_SIZE), path)
      const store = new FsLocalStore(options, lock, { handle, readers: 0 })
      const end = await scanLog(handle, size, (record) => {
        for (let i = 0; i < record.count; i++)
          store.#place(record.keys[i]!, record.offsets[i]!, record.lengths[i]!)
      })
      if (end < size) {
        await handle.truncate(end)
        await handle.sync()
      }
      store.#end = end
      store.recovery.truncatedBytes = size - end
      await store.#compactIfWorthIt()
      return store
    } catch (error) {
      await handle?.close()
      await lock.release()
      throw error
    }
  }

  private constructor(options: FsLocalStoreOptions, lock: ProcessLock, file: LogFile) {
    this.dir = options.dir
    this.#options = options
    this.#lock = lock
    this.#file = file
    this.#end = HEADER_SIZE
    this.recovery = { truncatedBytes: 0 }
  }

  /** Sizes of the log, for monitoring and benchmarks. */
  get info(): {
    /** Keys stored. */
    keys: number
    /** Size of the log file, garbage included. */
    fileBytes: number
    /** Bytes of the live values' records (what a compaction would keep). */
    liveBytes: number
  } {
    return { keys: this.#slots.size, fileBytes: this.#end, liveBytes: this.#liveBytes }
  }

  /** {@inheritDoc @y-dropbox/core!LocalStore.get} */
  async get(key: string): Promise<Uint8Array | undefined> {
    this.#check('get')
    const slot = this.#slots.get(key)
    if (slot === undefined) return undefined
    return this.#read(this.#file, this.#ref(slot), key)
  }

  /** {@inheritDoc @y-dropbox/core!LocalStore.keys} */
  async keys(prefix: string): Promise<string[]> {
    this.#check('keys')
    // Only the matching keys are sorted: sorting every key (a store of 100,000 entries at its
    // first listing after a start) took 70–90 ms, where the scan takes 7.
    const out: string[] = []
    for (const key of this.#slots.keys()) if (key.startsWith(prefix)) out.push(key)
    return out.sort()
  }

  /** {@inheritDoc @y-dropbox/core!LocalStore.write} */
  async write(batch: LocalWrite[]): Promise<void> {
    this.#check('write')
    // Encoded now, before any await, so the caller may reuse its arrays once write() returns.
    const encoded = batch.length > 0 ? encodeRecord(batch) : undefined
    return this.#enqueue(async () => {
      if (!encoded) return
      if (this.#broken) throw brokenError(this.dir, this.#broken)
      const start = this.#end
      try {
        await writeAll(this.#file.handle, encoded.record, start)
        await this.#file.handle.datasync()
      } catch (error) {
        await this.#undoAppend(start, error)
        throw new YDropboxError(`could not write to the local store in ${this.dir}: ${String(error)}`, {
          cause: error,
        })
      }
      this.#end = start + encoded.record.length
      for (const [key, value] of encoded.entries) {
        if (value) this.#place(key, start + value.offset, value.length)
        else this.#place(key, 0, -1)
      }
      await this.#compactIfWorthIt()
    })
  }

  /**
   * Reserves the store for one engine until the claim is released. Rejects
   * with `StoreInUseError` while another engine in this process holds it;
   * other processes are kept out by the folder's lock, taken at `open`.
   */
  async claim(): Promise<LocalStoreClaim> {
    this.#check('claim')
    return this.#claims.take(`the local store in ${this.dir}`)
  }

  /** Rewrites the live entries to a new file now, whatever the garbage. */
  compact(): Promise<void> {
    this.#check('compact')
    return this.#enqueue(() => this.#compact())
  }

  /** Finishes pending writes, closes the file and releases the folder. Later calls reject. */
  close(): Promise<void> {
    this.#closing ??= this.#enqueue(async () => {
      await this.#retire(this.#file)
      await this.#lock.release()
    })
    return this.#closing
  }

  #check(method: string): void {
    if (this.#closing) throw closedError('FsLocalStore', method)
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task)
    this.#queue = run.catch(() => undefined)
    return run
  }

  /** Records that `key`'s value is `length` bytes at file `offset`; a `length` of -1 deletes the key. */
  #place(key: string, offset: number, length: number): void {
    const old = this.#slots.get(key)
    if (old !== undefined) this.#liveBytes -= footprint(key, this.#lengths[old]!)
    if (length < 0) {
      if (old !== undefined) {
        this.#slots.delete(key)
        this.#freeSlots.push(old)
      }
      return
    }
    const slot = old ?? this.#newSlot(key)
    this.#offsets[slot] = offset
    this.#lengths[slot] = length
    this.#liveBytes += footprint(key, length)
  }

  #newSlot(key: string): number {
    let slot = this.#freeSlots.pop()
    if (slot === undefined) {
      slot = this.#slotCount++
      if (slot === this.#offsets.length) {
        const offsets = new Float64Array(2 * slot)
        const lengths = new Float64Array(2 * slot)
        offsets.set(this.#offsets)
        lengths.set(this.#lengths)
        this.#offsets = offsets
        this.#lengths = lengths
      }
    }
    this.#slots.set(key, slot)
    return slot
  }

  #ref(slot: number): ValueRef {
    return { offset: this.#offsets[slot]!, length: this.#lengths[slot]! }
  }

  async #read(file: LogFile, ref: ValueRef, key: string): Promise<Uint8Array> {
    if (ref.length <= SYNC_READ_BYTES)
      return this.#whole(readAtSync(file.handle, ref.offset, ref.length), ref, key)
    file.readers++
    try {
      return this.#whole(await readAt(file.handle, ref.offset, ref.length), ref, key)
    } finally {
      if (--file.readers === 0) file.idle?.()
    }
  }

  /** `value` if it is as long as `ref` says; else the file lost it. */
  #whole(value: Uint8Array, ref: ValueRef, key: string): Uint8Array {
    if (value.length !== ref.length) {
      throw new CorruptBlobError(`the local store file lost the value of "${key}"`, join(this.dir, LOG))
    }
    return value
  }

  /** Cuts a failed append off the file; if even that fails, refuses further writes. */
  async #undoAppend(start: number, cause: unknown): Promise<void> {
    try {
      await this.#file.handle.truncate(start)
    } catch {
      this.#broken = cause
    }
  }

  async #compactIfWorthIt(): Promise<void> {
    const garbage = this.#end - HEADER_SIZE - this.#liveBytes
    const min = this.#options.compactMinGarbageBytes ?? 8 * 1024 * 1024
    const ratio = this.#options.compactGarbageRatio ?? 0.5
    if (garbage <= min || garbage <= ratio * this.#end) return
    try {
      await this.#compact()
    } catch (error) {
      this.#options.onError?.(error)
    }
  }

  /** Writes the live entries to a temp file, flushes it and renames it over the log. */
  async #compact(): Promise<void> {
    const temp = join(this.dir, COMPACT_TEMP)
    const old = this.#file
    const out = await open(temp, 'w')
    const moved: Array<[string, ValueRef]> = []
    let position = HEADER_SIZE
    try {
      await writeAll(out, fileHeader(), 0)
      const limit = this.#options.compactRecordBytes ?? 4 * 1024 * 1024
      let batch: LocalWrite[] = []
      let bytes = 0
      const flush = async () => {
        if (batch.length === 0) return
        const { record, entries } = encodeRecord(batch)
        await writeAll(out, record, position)
        for (const [key, ref] of entries)
          moved.push([key, { offset: position + ref!.offset, length: ref!.length }])
        position += record.length
        batch = []
        bytes = 0
      }
      for (const [key, slot] of [...this.#slots]) {
        const ref = this.#ref(slot)
        batch.push([key, await this.#read(old, ref, key)])
        bytes += ref.length + key.length
        if (bytes >= limit) await flush()
      }
      await flush()
      await out.sync()
    } finally {
      await out.close()
    }
    const path = join(this.dir, LOG)
    await rename(temp, path)
    await syncDir(this.dir)
    this.#file = { handle: await open(path, 'r+'), readers: 0 }
    this.#end = position
    this.#slots.clear()
    this.#freeSlots.length = 0
    this.#slotCount = 0
    this.#liveBytes = 0
    for (const [key, ref] of moved) this.#place(key, ref.offset, ref.length)
    await this.#retire(old)
  }

  /** Closes a log file once the reads in flight on it are done. */
  async #retire(file: LogFile): Promise<void> {
    if (file.readers > 0) await new Promise<void>((resolve) => (file.idle = resolve))
    await file.handle.close()
  }
}

function footprint(key: string, length: number): number {
  return key.length + length + ENTRY_OVERHEAD
}

function brokenError(dir: string, cause: unknown): YDropboxError {
  return new YDropboxError(
    `the local store in ${dir} could not undo a failed write and accepts no more; close and reopen it`,
    { cause },
  )
}
