/** Options of `SyncEngine.open`, and their defaults. */
import type * as Y from 'yjs'
import type { BlobStore } from '../blob-store.ts'
import type { LocalStore } from '../local-store.ts'
import { type Platform, supplyPlatform, webCrypto } from '../platform.ts'
import type { SyncWordsOverride } from './words.ts'

/** Options of {@link SyncEngine.open}. */
export interface SyncEngineOptions {
  /** The shared remote store (Dropbox, the emulator, a folder, memory). */
  remote: BlobStore
  /** This device's durable store. */
  local: LocalStore
  /** Shown to the user on other devices. Default `'This device'`; kept from the last run when omitted. */
  deviceName?: string
  /**
   * The platform: its name, shown to the user on other devices (e.g. `'iOS'`;
   * default `'unknown'`), and implementations of what the JavaScript runtime
   * lacks (deflate, SHA-256, random bytes, WebCrypto's `subtle`). Without
   * them the engine uses the runtime's own API, else a built-in fallback, so
   * a plain pool needs none; an encrypted pool needs WebCrypto, from the
   * runtime or as `platform.subtle`. The implementations describe the
   * runtime, so they serve every engine in it from the first `open` that
   * passes them. A string is the name alone.
   */
  platform?: string | Platform
  /**
   * Encrypts the pool end to end: used when this device creates the pool, and
   * to unlock an encrypted pool when it joins. Needed once per device; the
   * derived key is kept in the LocalStore. At least 8 characters.
   */
  passphrase?: string
  /** The pool folder inside the remote store. Default `'/y-dropbox'`. */
  root?: string
  /**
   * The sentences of the status, to replace any of the defaults (your app's
   * tone, language or button labels); see `SyncWords`.
   */
  words?: SyncWordsOverride
  /** Builds the small summary `list()` returns for a document (date, title...). Must be JSON-serialisable. */
  summarize?: (doc: Y.Doc) => unknown
  /** Sync in the background (push after changes, watch or poll for remote ones). Default true. */
  autoSync?: boolean
  /**
   * Delay between a change's local write (when it was due, after
   * `flushDelayMs`) and its push, so a burst of edits becomes one upload.
   * Default 1000 ms.
   */
  pushDelayMs?: number
  /** How often to look for remote changes when the store cannot watch. Default 30000 ms. */
  pollIntervalMs?: number
  /** Delay between a change and its local write. Default 20 ms. */
  flushDelayMs?: number
  /** Downloads running at once. Default 4. */
  downloadConcurrency?: number
  /** Compact when the epoch holds more log files than this beyond the newest snapshot. Default 256. */
  compactAfterFiles?: number
  /** ...or more log bytes than this. Default 8 MiB. */
  compactAfterBytes?: number
  /** Target size of a snapshot shard before compression. Default 4 MiB. */
  shardBytes?: number
  /**
   * How long superseded logs, snapshots and epochs stay before deletion.
   * Default 7 days; at least 1 hour, because a device whose listing of the
   * folder lags behind may still need them.
   */
  gcGraceMs?: number
  /**
   * Allows a `gcGraceMs` below 1 hour, for simulations and benchmarks that
   * run their own clock. Never in an app: it lets garbage collection delete
   * files other devices still need.
   */
  unsafeShortGcGrace?: boolean
  /** How often this device refreshes its `devices/<id>.json` while it pushes changes. Default 10 min. */
  heartbeatMs?: number
  /**
   * How often it does so while it pushes nothing: each refresh wakes every
   * other device watching the pool, so an idle device writes rarely. Default 24 h.
   */
  idleHeartbeatMs?: number
  /**
   * With a store that can watch, the longest wait without any change before a
   * round runs anyway (to check the pool, and upkeep). Default 30 min.
   */
  idleRoundMs?: number
  /** First and largest delay between retries of a failed round. Default 1 s and 60 s. */
  retryDelayMs?: {
    /** Delay before the first retry, in ms. */
    base: number
    /** Largest delay between retries, in ms. */
    max: number
  }
  /** The clock. Default `Date.now`. */
  now?: () => number
  /** Randomness for retry jitter. Default `Math.random`. */
  random?: () => number
  /** Receives errors thrown by event listeners and unexpected background failures. Default `console.error`. */
  onError?: (error: unknown, context: string) => void
}

type OptionalOptions = 'summarize' | 'deviceName' | 'passphrase' | 'unsafeShortGcGrace' | 'words'

/** Options with every default filled in; `platform` is its name. */
export type ResolvedOptions = Required<Omit<SyncEngineOptions, OptionalOptions | 'platform'>> &
  Pick<SyncEngineOptions, OptionalOptions> & { platform: string }

/** The shortest grace period garbage collection accepts (see `gcGraceMs`). */
export const MIN_GC_GRACE_MS = 3600_000

/** Fills in defaults and checks ranges. */
export function resolveOptions(options: SyncEngineOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    root: '/y-dropbox',
    autoSync: true,
    pushDelayMs: 1000,
    pollIntervalMs: 30_000,
    flushDelayMs: 20,
    downloadConcurrency: 4,
    compactAfterFiles: 256,
    compactAfterBytes: 8 * 1024 * 1024,
    shardBytes: 4 * 1024 * 1024,
    gcGraceMs: 7 * 24 * 3600 * 1000,
    heartbeatMs: 10 * 60 * 1000,
    idleHeartbeatMs: 24 * 3600 * 1000,
    idleRoundMs: 30 * 60 * 1000,
    retryDelayMs: { base: 1000, max: 60_000 },
    now: Date.now,
    random: Math.random,
    onError: (error, context) => console.error(`y-dropbox: ${context}:`, error),
    ...stripUndefined(options),
    platform: platformName(options.platform),
  } as ResolvedOptions
  if (typeof options.platform === 'object') supplyPlatform(options.platform)
  // A passphrase without WebCrypto is refused now, with what to supply, not at the first seal.
  if (options.passphrase !== undefined) webCrypto()
  if (!resolved.remote || !resolved.local) {
    throw new TypeError('y-dropbox: SyncEngine.open needs a `remote` BlobStore and a `local` LocalStore')
  }
  for (const key of [
    'pushDelayMs',
    'pollIntervalMs',
    'flushDelayMs',
    'gcGraceMs',
    'heartbeatMs',
    'idleHeartbeatMs',
    'idleRoundMs',
  ] as const) {
    if (!(resolved[key] >= 0)) throw new RangeError(`y-dropbox: ${key} must be a number ≥ 0`)
  }
  if (!(resolved.downloadConcurrency >= 1)) throw new RangeError('y-dropbox: downloadConcurrency must be ≥ 1')
  if (resolved.gcGraceMs < MIN_GC_GRACE_MS && !resolved.unsafeShortGcGrace) {
    throw new RangeError(
      `y-dropbox: gcGraceMs must be at least ${MIN_GC_GRACE_MS} ms (1 hour), got ${resolved.gcGraceMs}: a shorter ` +
        'grace lets garbage collection delete files that a device whose listing lags behind still needs ' +
        '(simulations with their own clock may pass unsafeShortGcGrace: true)',
    )
  }
  return resolved
}

function platformName(platform: SyncEngineOptions['platform']): string {
  return (typeof platform === 'string' ? platform : platform?.name) ?? 'unknown'
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
