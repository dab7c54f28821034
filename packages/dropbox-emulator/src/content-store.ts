/**
 * File bytes, stored once per distinct content and keyed by content hash: in memory, or as
 * files under `<dataDir>/blobs/`. Unreferenced content is removed by {@link ContentStore.sweep}.
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from './atomic-file.ts'

/** Bytes by content hash; `dir` absent means memory only. */
export class ContentStore {
  private readonly memory = new Map<string, Uint8Array>()
  private readonly known = new Set<string>()
  /** Uploads between `put` and their commit hold a reference here. */
  private readonly pending = new Map<string, number>()
  /** Hashes put since the current sweep started. */
  private readonly recent = new Set<string>()
  private readonly chains = new Map<string, Promise<void>>()
  private sweeping = false

  constructor(
    private readonly dir: string | undefined,
    private readonly fsync: boolean,
  ) {}

  /** Reads which contents exist on disk and removes leftover temporary files. */
  async load(): Promise<void> {
    if (!this.dir) return
    await mkdir(this.dir, { recursive: true })
    for (const sub of await readdir(this.dir, { withFileTypes: true })) {
      if (!sub.isDirectory()) continue
      for (const name of await readdir(join(this.dir, sub.name))) {
        if (name.endsWith('.tmp')) await rm(join(this.dir, sub.name, name), { force: true })
        else this.known.add(name)
      }
    }
  }

  /**
   * Stores `data` under `hash` (once) and holds it until the returned release function is
   * called, so a sweep running meanwhile cannot remove it before it is committed.
   */
  async put(hash: string, data: Uint8Array): Promise<() => void> {
    this.pending.set(hash, (this.pending.get(hash) ?? 0) + 1)
    this.recent.add(hash)
    let released = false
    const release = () => {
      if (released) return
      released = true
      const n = (this.pending.get(hash) ?? 1) - 1
      if (n <= 0) this.pending.delete(hash)
      else this.pending.set(hash, n)
    }
    try {
      if (!this.known.has(hash)) {
        if (this.dir) {
          const dir = this.dir
          await this.chain(hash, async () => {
            if (this.known.has(hash)) return
            await mkdir(join(dir, hash.slice(0, 2)), { recursive: true })
            await writeFileAtomic(this.file(hash), data, this.fsync)
            this.known.add(hash)
          })
        } else {
          this.memory.set(hash, data.slice())
          this.known.add(hash)
        }
      }
    } catch (error) {
      release()
      throw error
    }
    return release
  }

  /** The bytes stored under `hash`, or undefined. */
  async get(hash: string): Promise<Uint8Array | undefined> {
    if (!this.dir) return this.memory.get(hash)
    if (!this.known.has(hash)) return undefined
    try {
      return await readFile(this.file(hash))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
  }

  /** How many distinct contents are stored. */
  get count(): number {
    return this.known.size
  }

  /**
   * Removes contents that neither `referenced` nor a pending upload holds. `whenDurable` must
   * resolve once the metadata that dropped those references is on disk; contents put again
   * meanwhile are kept.
   */
  async sweep(referenced: Set<string>, whenDurable: () => Promise<void>): Promise<void> {
    if (this.sweeping) return
    this.sweeping = true
    try {
      this.recent.clear()
      const candidates = [...this.known].filter((h) => !referenced.has(h) && !this.pending.has(h))
      if (candidates.length === 0) return
      await whenDurable()
      for (const hash of candidates) {
        if (this.pending.has(hash) || this.recent.has(hash)) continue
        this.known.delete(hash)
        this.memory.delete(hash)
        if (this.dir) await this.chain(hash, () => rm(this.file(hash), { force: true }))
      }
    } finally {
      this.sweeping = false
    }
  }

  /** Forgets everything (memory mode) or removes every stored file. */
  async clear(): Promise<void> {
    await this.sweep(new Set(), async () => {})
  }

  private file(hash: string): string {
    return join(this.dir ?? '', hash.slice(0, 2), hash)
  }

  /** Runs disk operations on one hash in order, so a write and an unlink never interleave. */
  private chain(hash: string, op: () => Promise<void>): Promise<void> {
    const run = (this.chains.get(hash) ?? Promise.resolve()).then(op)
    const settled = run.then(
      () => {},
      () => {},
    )
    this.chains.set(hash, settled)
    void settled.then(() => {
      if (this.chains.get(hash) === settled) this.chains.delete(hash)
    })
    return run
  }
}
