/**
 * A lock file that keeps a folder to one process at a time. It holds the
 * owner's pid; a lock whose process is gone (a crash) is taken over.
 */

import { readFile, stat, unlink, writeFile } from 'node:fs/promises'
import { YDropboxError } from '../errors.ts'
import { randomId } from '../ids.ts'
import { errorCode, processAlive, writeFileAtomic } from './fs-util.ts'

/** An unreadable lock younger than this may be one being written right now. */
const FRESH_MS = 1000

/** Ownership of a folder by this process. */
export class ProcessLock {
  readonly #path: string
  readonly #content: string

  private constructor(path: string, content: string) {
    this.#path = path
    this.#content = content
  }

  /**
   * Takes the lock at `path`, or throws a `YDropboxError` naming the process
   * that holds it. `what` names the thing locked, for the message.
   */
  static async acquire(path: string, what: string): Promise<ProcessLock> {
    const content = JSON.stringify({ pid: process.pid, nonce: randomId() })
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await writeFile(path, content, { flag: 'wx' })
        return new ProcessLock(path, content)
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error
      }
      const raw = await readFile(path, 'utf8').catch(() => undefined)
      if (raw === undefined) continue
      const pid = parsePid(raw)
      if (pid !== undefined && processAlive(pid)) {
        const who = pid === process.pid ? 'this process' : `process ${pid}`
        throw new YDropboxError(
          `${what} is already open in ${who}; close it there first (if no such process uses it, delete ${path})`,
        )
      }
      if (pid === undefined) {
        const info = await stat(path).catch(() => undefined)
        if (info && Date.now() - info.mtimeMs < FRESH_MS) {
          await new Promise((resolve) => setTimeout(resolve, 50))
          continue
        }
      }
      // The holder is gone: replace its lock by ours in one rename, then make sure no one replaced ours.
      await writeFileAtomic(path, new TextEncoder().encode(content))
      if ((await readFile(path, 'utf8').catch(() => undefined)) === content)
        return new ProcessLock(path, content)
    }
    throw new YDropboxError(`could not take the lock ${path} for ${what}; another process keeps taking it`)
  }

  /** Gives the lock up (if it is still ours). */
  async release(): Promise<void> {
    const raw = await readFile(this.#path, 'utf8').catch(() => undefined)
    if (raw === this.#content) await unlink(this.#path)
  }
}

function parsePid(raw: string): number | undefined {
  try {
    const pid = (JSON.parse(raw) as { pid?: unknown }).pid
    return typeof pid === 'number' ? pid : undefined
  } catch {
    return undefined
  }
}
