/**
 * `compact` and `gc` as a device does them: a temporary `SyncEngine` on a
 * `MemoryLocalStore` joins the pool (reading it as a new device would), then
 * runs the engine's own `compact()` or `collectGarbage()`. Its store is a
 * `DeviceGuard`: it never writes a device record, so the pool's device list
 * does not change, and in a dry run it writes and deletes nothing.
 */
import { type BlobStore, MemoryLocalStore, SyncEngine } from '@y-dropbox/core'
import { DeviceGuard } from './device-guard.ts'

/** What a device run did (or would do). */
export interface DeviceRunResult {
  /** `compact`: whether the engine wrote a snapshot; `gc`: always true. */
  done: boolean
  written: string[]
  deleted: string[]
  /** Files the engine skipped as damaged while reading. */
  skipped: string[]
}

/** Options of {@link runAsDevice}. */
export interface DeviceRunOptions {
  root: string
  passphrase: string | undefined
  verb: 'compact' | 'gc'
  dryRun: boolean
  /** Grace period of garbage collection. */
  graceMs: number
}

/** Runs the verb through a temporary engine. */
export async function runAsDevice(store: BlobStore, options: DeviceRunOptions): Promise<DeviceRunResult> {
  const apply = options.dryRun ? 'record' : 'write'
  const guard = new DeviceGuard(store, {
    root: options.root.trim().replace(/\/+$/, '').toLowerCase(),
    snapshots: options.verb === 'compact' ? apply : 'refuse',
    deletes: options.verb === 'gc' ? apply : 'refuse',
  })
  const skipped: string[] = []
  const engine = await SyncEngine.open({
    remote: guard,
    local: new MemoryLocalStore(),
    root: options.root,
    deviceName: 'y-dropbox command line',
    platform: 'cli',
    autoSync: false,
    // The joining round's upkeep must not compact; it may collect garbage, which is the
    // same work `collectGarbage()` then finds done.
    compactAfterFiles: Number.MAX_SAFE_INTEGER,
    compactAfterBytes: Number.MAX_SAFE_INTEGER,
    gcGraceMs: options.verb === 'gc' ? options.graceMs : 7 * 86_400_000,
    // The verb refused a short grace unless the user asked for it.
    unsafeShortGcGrace: options.verb === 'gc',
    onError: (_error, context) => {
      const path = /damaged sync file (\S+)/.exec(context)?.[1]
      if (path) skipped.push(path)
    },
  })
  try {
    await engine.activate(options.passphrase === undefined ? {} : { passphrase: options.passphrase })
    let done = true
    if (options.verb === 'compact') done = await engine.compact()
    else await engine.collectGarbage()
    return { done, written: guard.written, deleted: [...new Set(guard.deleted)], skipped }
  } finally {
    await engine.close()
  }
}
