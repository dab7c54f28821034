/**
 * Everything one emulator holds, shared by the route handlers, and the types handlers use.
 */
import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { ContentStore } from './content-store.ts'
import { CursorCodec } from './cursor.ts'
import { LongpollWaiters } from './longpoll-waiters.ts'
import { Namespace } from './namespace.ts'
import type { EmulatorOptions } from './options.ts'
import { Persistence } from './persistence.ts'
import { type Grant, TokenRegistry } from './tokens.ts'
import { UploadSessions } from './upload-sessions.ts'

/** Default lifetime of access tokens: 4 hours, like Dropbox's short-lived tokens. */
export const DEFAULT_ACCESS_TOKEN_TTL_MS = 4 * 60 * 60 * 1000
/** Dropbox's limit per upload call: 150 MiB. */
export const DEFAULT_MAX_UPLOAD_BYTES = 150 * 1024 * 1024
/** Journal lines between snapshots. */
const COMPACT_EVERY = 2000
/** Changes between sweeps of unreferenced contents. */
const SWEEP_EVERY = 64
/** `delete_batch` jobs remembered for `check`. */
const MAX_JOBS = 1000

/** A finished `delete_batch` job. */
interface AsyncJob {
  result: unknown
  pollsLeft: number
}

/** What a route handler receives. */
export interface RouteContext {
  /** Route name: `files/upload`, `oauth2/token`... */
  route: string
  req: IncomingMessage
  url: URL
  /** The request body (empty when it was larger than allowed). */
  body: Buffer
  /** Whether the body exceeded the upload limit. */
  tooLarge: boolean
  /** The route's argument: JSON body (RPC) or `Dropbox-API-Arg` (content routes). */
  arg: unknown
  /** The token's grant on routes with user auth. */
  grant?: Grant
  /** The bearer token on routes with user auth (never logged). */
  token?: string
  /** Aborted when the client goes away or the emulator closes. */
  signal: AbortSignal
  state: EmulatorState
}

/** A successful response. */
export interface Reply {
  status?: number
  /** Sent as JSON (`null` included) unless `body` is given. */
  json?: unknown
  body?: Buffer | string
  headers?: Record<string, string>
}

/** Shared services and settings. */
export class EmulatorState {
  readonly namespace = new Namespace()
  readonly waiters = new LongpollWaiters()
  readonly sessions = new UploadSessions()
  readonly tokens: TokenRegistry
  readonly content: ContentStore
  readonly closing = new AbortController()
  cursors = new CursorCodec('')
  persistence: Persistence | undefined
  private readonly jobs = new Map<string, AsyncJob>()
  private changesSinceSweep = 0
  private sweepTask: Promise<void> = Promise.resolve()

  constructor(readonly options: EmulatorOptions) {
    this.tokens = new TokenRegistry(options.accessTokenTtlMs ?? DEFAULT_ACCESS_TOKEN_TTL_MS, () =>
      this.saveAuth(),
    )
    const dir = options.dataDir
    this.content = new ContentStore(dir === undefined ? undefined : join(dir, 'blobs'), options.fsync ?? true)
  }

  /** Loads `dataDir` (when set) and starts recording changes. */
  async open(): Promise<void> {
    const dir = this.options.dataDir
    let secret = ''
    if (dir !== undefined) {
      const { persistence, loaded } = await Persistence.open(dir, {
        fsync: this.options.fsync ?? true,
        compactEvery: COMPACT_EVERY,
      })
      this.persistence = persistence
      try {
        if (loaded.snapshot) this.namespace.restore(loaded.snapshot)
        for (const change of loaded.changes) this.namespace.apply(change)
        if (loaded.auth !== undefined) this.tokens.import(loaded.auth)
        secret = loaded.cursorSecret
        await this.content.load()
        // A fresh snapshot drops any torn journal tail; then contents nothing refers to go.
        persistence.compact(() => this.namespace.snapshot())
        await persistence.durable()
        await this.content.sweep(this.namespace.referencedHashes(), async () => {})
      } catch (error) {
        await persistence.release()
        throw error
      }
    } else {
      secret = randomBytes(32).toString('base64url')
    }
    this.cursors = new CursorCodec(secret)
    this.namespace.onChange((change) => {
      this.persistence?.record(change, () => this.namespace.snapshot())
      this.waiters.notify(change)
      if (++this.changesSinceSweep >= SWEEP_EVERY || change.reset !== undefined) this.sweep()
    })
  }

  /** Resolves when every change so far is on disk (at once in memory mode). */
  async durable(): Promise<void> {
    await this.persistence?.durable()
  }

  /** Keeps the result of a `delete_batch` job and returns its id. */
  addJob(result: unknown): string {
    const id = `dbjid:${randomBytes(24).toString('base64url')}`
    this.jobs.set(id, { result, pollsLeft: this.options.asyncJobPolls ?? 0 })
    if (this.jobs.size > MAX_JOBS) this.jobs.delete(this.jobs.keys().next().value as string)
    return id
  }

  /** A job's result, `'in_progress'`, or undefined when the id is unknown. */
  pollJob(id: string): unknown {
    const job = this.jobs.get(id)
    if (!job) return undefined
    if (job.pollsLeft > 0) {
      job.pollsLeft--
      return 'in_progress'
    }
    return job.result
  }

  /** Writes to the log, if any. */
  log(line: string): void {
    this.options.log?.(line)
  }

  /** Stops background work and saves everything. */
  async close(): Promise<void> {
    this.closing.abort()
    this.waiters.endAll()
    await this.sweepTask
    await this.persistence?.close(() => this.namespace.snapshot())
  }

  /** Removes contents no file refers to any more (in the background, owned by this state). */
  sweep(): void {
    this.changesSinceSweep = 0
    this.sweepTask = this.sweepTask
      // References and candidates are read in the same tick, inside the sweep.
      .then(() => this.content.sweep(this.namespace.referencedHashes(), () => this.durable()))
      .catch((error: unknown) => this.log(`content sweep failed: ${String(error)}`))
  }

  private saveAuth(): void {
    this.persistence?.saveAuth(() => this.tokens.export())
  }
}
