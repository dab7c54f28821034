/**
 * Saves the namespace under `dataDir` so it survives restarts:
 * - `state.json`: a snapshot, replaced atomically (temp file + fsync + rename);
 * - `journal.jsonl`: one line per change since the snapshot, appended and fsynced before the
 *   request that made the change is answered; a torn last line (crash mid-write) is ignored;
 * - `auth.json`: tokens, replaced atomically;
 * - `blobs/`: file contents (see content-store.ts);
 * - `LOCK`: the owning process id, so two emulators never share a folder.
 */
import { randomBytes } from 'node:crypto'
import { type FileHandle, mkdir, open, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from './atomic-file.ts'
import { lockDataDir } from './data-lock.ts'
import type { ChangeSet, NamespaceSnapshot } from './namespace.ts'

const FORMAT = 1

/** What was on disk when the emulator started. */
export interface LoadedState {
  snapshot?: NamespaceSnapshot
  /** Changes after the snapshot, in order. */
  changes: ChangeSet[]
  /** Secret that signs cursors, kept so cursors stay valid across restarts. */
  cursorSecret: string
  /** Saved token state (see tokens.ts), if any. */
  auth?: unknown
}

/** Journal and snapshot writer; all disk writes run one after another in call order. */
export class Persistence {
  private tail: Promise<void> = Promise.resolve()
  private failure: unknown
  private lines: string[] = []
  private sinceSnapshot = 0
  private authState: (() => unknown) | undefined

  private constructor(
    private readonly dir: string,
    private readonly journal: FileHandle,
    private readonly cursorSecret: string,
    private readonly fsync: boolean,
    private readonly compactEvery: number,
    private readonly unlock: () => Promise<void>,
  ) {}

  /** Opens (creating if needed) `dir` and reads what it holds. */
  static async open(
    dir: string,
    options: { fsync: boolean; compactEvery: number },
  ): Promise<{ persistence: Persistence; loaded: LoadedState }> {
    await mkdir(dir, { recursive: true })
    const unlock = await lockDataDir(dir)
    try {
      return await Persistence.read(dir, options, unlock)
    } catch (error) {
      await unlock()
      throw error
    }
  }

  private static async read(
    dir: string,
    options: { fsync: boolean; compactEvery: number },
    unlock: () => Promise<void>,
  ): Promise<{ persistence: Persistence; loaded: LoadedState }> {
    const state = await readJson(join(dir, 'state.json'))
    if (state !== undefined && (state as { format?: number }).format !== FORMAT) {
      throw new Error(
        `${join(dir, 'state.json')} has an unknown format; use an empty folder or the emulator version that wrote it`,
      )
    }
    const saved = state as { snapshot: NamespaceSnapshot; cursorSecret: string } | undefined
    const changes: ChangeSet[] = []
    const text = await readFile(join(dir, 'journal.jsonl'), 'utf8').catch(ignoreMissing)
    for (const line of (text ?? '').split('\n')) {
      if (!line) continue
      let change: ChangeSet
      try {
        change = JSON.parse(line) as ChangeSet
      } catch {
        break // torn tail of a crash: everything before it is whole
      }
      if (change.seq > (saved?.snapshot.seq ?? 0)) changes.push(change)
    }
    const cursorSecret = saved?.cursorSecret ?? randomBytes(32).toString('base64url')
    const auth = await readJson(join(dir, 'auth.json'))
    const journal = await open(join(dir, 'journal.jsonl'), 'a')
    const persistence = new Persistence(
      dir,
      journal,
      cursorSecret,
      options.fsync,
      options.compactEvery,
      unlock,
    )
    const loaded: LoadedState = { changes, cursorSecret, auth }
    if (saved) loaded.snapshot = saved.snapshot
    return { persistence, loaded }
  }

  /** Records a change; {@link durable} resolves once it is on disk. */
  record(change: ChangeSet, snapshot: () => NamespaceSnapshot): void {
    this.lines.push(`${JSON.stringify(change)}\n`)
    if (this.lines.length === 1) this.enqueue(() => this.flushLines())
    if (++this.sinceSnapshot >= this.compactEvery) this.compact(snapshot)
  }

  /** Saves the token state (the latest one wins if several calls are queued). */
  saveAuth(state: () => unknown): void {
    const first = this.authState === undefined
    this.authState = state
    if (first) {
      this.enqueue(async () => {
        const current = this.authState
        this.authState = undefined
        if (current) await writeFileAtomic(join(this.dir, 'auth.json'), JSON.stringify(current()), this.fsync)
      })
    }
  }

  /** Writes a fresh snapshot and empties the journal. */
  compact(snapshot: () => NamespaceSnapshot): void {
    this.sinceSnapshot = 0
    this.enqueue(async () => {
      const body = JSON.stringify({ format: FORMAT, cursorSecret: this.cursorSecret, snapshot: snapshot() })
      await writeFileAtomic(join(this.dir, 'state.json'), body, this.fsync)
      // Lines still queued are older than the snapshot; replay skips them by sequence number.
      await this.journal.truncate(0)
      if (this.fsync) await this.journal.datasync()
    })
  }

  /** Resolves when every write requested so far is on disk; rejects if one failed. */
  async durable(): Promise<void> {
    await this.tail
    if (this.failure !== undefined) {
      throw new Error(`the emulator could not save its data in ${this.dir}`, { cause: this.failure })
    }
  }

  /** Writes a final snapshot, closes the journal and releases the folder. */
  async close(snapshot: () => NamespaceSnapshot): Promise<void> {
    this.compact(snapshot)
    await this.release()
  }

  /** Waits for queued writes, closes the journal and releases the folder (no final snapshot). */
  async release(): Promise<void> {
    await this.tail
    await this.journal.close()
    await this.unlock()
  }

  private async flushLines(): Promise<void> {
    const batch = this.lines.join('')
    this.lines = []
    await this.journal.appendFile(batch)
    if (this.fsync) await this.journal.datasync()
  }

  private enqueue(op: () => Promise<void>): void {
    this.tail = this.tail.then(op).catch((error: unknown) => {
      this.failure ??= error
    })
  }
}

async function readJson(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8').catch(ignoreMissing)
  if (text === undefined) return undefined
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new Error(`${path} is not valid JSON; restore it from a backup or start with an empty folder`, {
      cause: error,
    })
  }
}

function ignoreMissing(error: unknown): undefined {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
  throw error
}
