/**
 * Options and public interface of a running emulator.
 */
import type { FaultController } from './faults.ts'
import type { EmulatorStats } from './stats.ts'
import type { IssuedTokens } from './tokens.ts'

/** Options of `startEmulator`. */
export interface EmulatorOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number
  /** Interface to listen on (default `127.0.0.1`). */
  host?: string
  /**
   * Folder that keeps files, cursors and tokens across restarts (created if missing). Writes
   * are crash-safe: snapshot by temp file + fsync + rename, changes journalled and fsynced
   * before the request is answered. Absent: everything lives in memory.
   */
  dataDir?: string
  /** Whether writes under `dataDir` are fsynced (default true; false is faster, still atomic). */
  fsync?: boolean
  /** Lifetime of access tokens in milliseconds (default 4 h, Dropbox's). */
  accessTokenTtlMs?: number
  /** Client ids (app keys) the OAuth endpoints accept; any when absent. */
  appKeys?: string[]
  /** Enables the `/__emulator/*` HTTP endpoints (faults, reset, files, stats); 404 otherwise. */
  admin?: boolean
  /** Seed of the fault generator (default 1): same seed and requests, same faults. */
  seed?: number
  /**
   * Upper bound of a long-poll's wait in milliseconds, whatever `timeout` the client asks
   * (valid timeouts are still 30..480 s). Lets tests see `{changes: false}` quickly.
   */
  maxLongpollMs?: number
  /** When set, every long-poll answer carries `backoff` with this many seconds. */
  longpollBackoffSeconds?: number
  /** Bytes accepted per upload call (default 150 MiB, Dropbox's); more fails with `payload_too_large`. */
  maxUploadBytes?: number
  /** Limits of `files/download_zip` (default Dropbox's: 20 GB, 4 GB per file, 10,000 entries); lower them in tests. */
  zipLimits?: Partial<ZipLimits>
  /** How many `delete_batch/check` calls answer `in_progress` before `complete` (default 0). */
  asyncJobPolls?: number
  /** Receives one line per request (method, route, status, time) and internal failures; never tokens. */
  log?: (line: string) => void
}

/** Dropbox's limits of `files/download_zip`. */
export interface ZipLimits {
  /** The folder's total size must stay below this (20 GB). */
  maxBytes: number
  /** Each file must stay below this (4 GB). */
  maxFileBytes: number
  /** Files and folders in the zip, the folder itself included, must stay below this (10,000). */
  maxEntries: number
}

/** A running emulator. */
export interface Emulator {
  /** Base URL, e.g. `http://127.0.0.1:54321`. */
  readonly url: string
  /** The port it listens on. */
  readonly port: number
  /** Fault rules (see faults.ts). */
  readonly faults: FaultController
  /**
   * Issues tokens without the OAuth dance. With `clientId`, refreshing requires that client id;
   * without, any client id may refresh. `accountId` defaults to the emulator's one account.
   */
  issueTokens(options?: { clientId?: string; accountId?: string }): IssuedTokens & {
    /** Always present: these grants are offline ones. */
    refreshToken: string
  }
  /** Wipes every file and folder (tokens stay valid; cursors answer `reset`). */
  reset(): Promise<void>
  /** Lifetime of access tokens issued from now on, in milliseconds. */
  setAccessTokenTtl(ms: number): void
  /** Expires every access token issued so far; refresh tokens keep working. */
  expireAllAccessTokens(): void
  /** Request counters per route. */
  stats(): EmulatorStats
  /** Zeroes the request counters. */
  resetStats(): void
  /** Every file: path (as first written), lower-case path, size, rev and content hash. */
  files(): EmulatorFile[]
  /** Ends pending long-polls, closes connections and saves state. Safe to call twice. */
  close(): Promise<void>
}

/** One file as listed by `emulator.files()` and `GET /__emulator/files`. */
export interface EmulatorFile {
  /** The path with the case it was first written with (Dropbox's `path_display`). */
  path: string
  /** The path in lower case (Dropbox's `path_lower`). */
  pathLower: string
  /** Size in bytes. */
  size: number
  /** The current revision. */
  rev: string
  /** Dropbox's content hash of the bytes (hex). */
  contentHash: string
}
