/**
 * The shared pool of the bootstrap, compaction and per-save scenarios: the
 * whole diary written into one pool folder on the emulator by one device
 * ("writer", on a MemoryLocalStore), one edit round per sync, so the pool
 * holds every edit as logged (no compaction while it is built).
 */
import { MemoryLocalStore, SyncEngine, type SyncEngineOptions } from '@y-dropbox/core'
import type { DropboxBlobStore } from '@y-dropbox/dropbox-provider'
import * as Y from 'yjs'
import { type Diary, summarizeEntry } from './data.ts'
import { timed } from './measure.ts'
import { openStore, type RemoteHost, storedBytes } from './remote.ts'
import type { BenchContext } from './types.ts'

/** Thresholds so high that no automatic compaction happens. */
export const NEVER_COMPACT = {
  compactAfterFiles: Number.MAX_SAFE_INTEGER,
  compactAfterBytes: Number.MAX_SAFE_INTEGER,
}

/**
 * Entries kept open at once while the pool is written: a diary up to this
 * size stays open from round to round (about 5 KiB each with 10 edits); a
 * larger one is opened in chunks, again each round.
 */
const OPEN_DOCS = 150_000

/** A device of a benchmark pool. */
export interface PoolDevice {
  engine: SyncEngine
  store: DropboxBlobStore
  local: MemoryLocalStore
}

/** The pool and the devices that use it. */
export interface Pool {
  root: string
  host: RemoteHost
  diary: Diary
  /** The device that wrote the pool. */
  writer: PoolDevice
  /** A device that joined it (left open by the bootstrap scenario for the per-save one). */
  joined?: PoolDevice
  /** Time to build it (not a measured figure; for the record). */
  buildMs: number
  /** Log files and bytes once built. */
  logFiles: number
  logBytes: number
}

/** Engine options every benchmark device shares. */
export function engineOptions(store: DropboxBlobStore, root: string, deviceName: string): SyncEngineOptions {
  return {
    remote: store,
    local: new MemoryLocalStore(),
    root,
    deviceName,
    autoSync: false,
    summarize: summarizeEntry,
    onError: () => {},
  }
}

/** Writes the diary into a new pool under `root`: one sync per edit round. */
export async function buildPool(ctx: BenchContext, root = '/bench-pool'): Promise<Pool> {
  const diary = ctx.diary()
  const store = await openStore(ctx.remote)
  const options = {
    ...engineOptions(store, root, 'writer'),
    ...NEVER_COMPACT,
    gcGraceMs: 0,
    unsafeShortGcGrace: true,
  }
  const local = options.local as MemoryLocalStore
  const { result: engine, ms } = await timed(async () => {
    const engine = await SyncEngine.open(options)
    await engine.activate()
    const docs = new Map<string, Y.Doc>()
    const keepOpen = diary.entries.length <= OPEN_DOCS
    ctx.progress.phase(`Writing the pool (${diary.edits.toLocaleString('en')} edits)`, ctx.editsPerEntry)
    for (let round = 0; round < ctx.editsPerEntry; round++) {
      for (let start = 0; start < diary.entries.length; start += OPEN_DOCS) {
        for (const entry of diary.entries.slice(start, start + OPEN_DOCS)) {
          let doc = docs.get(entry.id)
          if (!doc) {
            doc = await engine.doc(entry.id)
            docs.set(entry.id, doc)
          }
          const update = entry.updates[round]
          if (update) Y.applyUpdate(doc, update)
        }
        if (keepOpen) continue
        await engine.flush()
        for (const doc of docs.values()) doc.destroy()
        docs.clear()
      }
      await engine.syncNow()
      ctx.progress.tick()
    }
    for (const doc of docs.values()) doc.destroy()
    return engine
  })
  const logs = await storedBytes(ctx.remote, `${root}/epochs/`)
  return {
    root,
    host: ctx.remote,
    diary,
    writer: { engine, store, local },
    buildMs: ms,
    logFiles: logs.files,
    logBytes: logs.bytes,
  }
}

/** Closes the pool's devices. */
export async function closePool(pool: Pool): Promise<void> {
  await pool.writer.engine.close()
  await pool.joined?.engine.close()
}
