/**
 * A write lock over a folder shared by several processes on one machine: a
 * lock file created with O_EXCL, holding the holder's pid and the paths it is
 * about to change. A lock left by a dead process is broken under a second
 * lock file (`<lock>.break`), and whoever breaks it first repairs what the
 * dead holder may have left half-done (`recover(paths)`).
 */

import { readFile, stat, unlink, writeFile } from 'node:fs/promises'
import { TransientError } from '../errors.ts'
import { randomId } from '../ids.ts'
import { errorCode, processAlive, writeFileAtomic } from './fs-util.ts'

/** What a lock file holds. */
interface Holder {
  pid: number
  nonce: string
  paths: string[]
}

/** Options of a `FolderLock`. */
export interface FolderLockOptions {
  /** Path of the lock file. */
  path: string
  /** How long to wait for a live holder before giving up, in ms. */
  timeoutMs: number
  /** Repairs what a dead holder may have left half-done; `paths` is undefined when it had not started. */
  recover(paths: string[] | undefined): Promise<void>
}

/** An unreadable lock file younger than this may be one being written right now. */
const FRESH_MS = 1000

/** A cross-process mutex over a folder. */
export class FolderLock {
  readonly #options: FolderLockOptions

  constructor(options: FolderLockOptions) {
    this.#options = options
  }

  /** Runs `body` while holding the lock, recording `paths` as the ones it may change. */
  async run<T>(paths: string[], body: () => Promise<T>): Promise<T> {
    const nonce = randomId()
    await this.#acquire(JSON.stringify({ pid: process.pid, nonce, paths } satisfies Holder))
    try {
      return await body()
    } finally {
      await this.#release(nonce)
    }
  }

  async #acquire(content: string): Promise<void> {
    const { path, timeoutMs } = this.#options
    const deadline = Date.now() + timeoutMs
    let wait = 1
    let holder: Holder | undefined
    for (;;) {
      try {
        await writeFile(path, content, { flag: 'wx' })
        return
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error
      }
      const raw = await readFile(path, 'utf8').catch(ignoreMissing)
      if (raw === undefined) continue
      holder = parseHolder(raw)
      if ((await isStale(path, holder)) && (await this.#break(raw, content))) return
      if (Date.now() > deadline) {
        throw new TransientError(
          `the folder store lock ${path} has been held by process ${holder?.pid ?? '?'} for over ${timeoutMs} ms; retry later, or remove the file if no process uses the folder`,
        )
      }
      await new Promise((resolve) => setTimeout(resolve, wait))
      wait = Math.min(wait * 2, 25)
    }
  }

  /** Replaces a stale lock by ours, after repairs. False when someone else is on it. */
  async #break(staleRaw: string, content: string): Promise<boolean> {
    const breaker = `${this.#options.path}.break`
    try {
      await writeFile(breaker, String(process.pid), { flag: 'wx' })
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error
      const pid = Number(await readFile(breaker, 'utf8').catch(ignoreMissing))
      const age = await ageMs(breaker)
      if (!processAlive(pid) && age !== undefined && age > 5 * FRESH_MS)
        await unlink(breaker).catch(ignoreMissing)
      return false
    }
    try {
      const now = await readFile(this.#options.path, 'utf8').catch(ignoreMissing)
      if (now !== staleRaw) return false
      await this.#options.recover(parseHolder(staleRaw)?.paths)
      await writeFileAtomic(this.#options.path, new TextEncoder().encode(content))
      return true
    } finally {
      await unlink(breaker).catch(ignoreMissing)
    }
  }

  async #release(nonce: string): Promise<void> {
    const raw = await readFile(this.#options.path, 'utf8').catch(ignoreMissing)
    if (raw !== undefined && parseHolder(raw)?.nonce === nonce) await unlink(this.#options.path)
  }
}

async function isStale(path: string, holder: Holder | undefined): Promise<boolean> {
  if (holder) return !processAlive(holder.pid)
  const age = await ageMs(path)
  return age !== undefined && age > FRESH_MS
}

function parseHolder(raw: string): Holder | undefined {
  try {
    const value = JSON.parse(raw) as Holder
    return typeof value.pid === 'number' && typeof value.nonce === 'string' && Array.isArray(value.paths)
      ? value
      : undefined
  } catch {
    return undefined
  }
}

async function ageMs(path: string): Promise<number | undefined> {
  const info = await stat(path).catch(ignoreMissing)
  return info && Date.now() - info.mtimeMs
}

function ignoreMissing(error: unknown): undefined {
  if (errorCode(error) === 'ENOENT') return undefined
  throw error
}
