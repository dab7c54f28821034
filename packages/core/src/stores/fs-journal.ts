/**
 * The change journal of `FsBlobStore`: an append-only file of JSON lines, one
 * per change (deletions included). A cursor is a byte offset just after a
 * line, so a cursor listing reads the lines after it. Lines are appended with
 * O_APPEND under the folder lock and flushed before the change is reported.
 */

import { open, stat } from 'node:fs/promises'
import type { BlobMeta } from '../blob-store.ts'
import { CursorResetError } from '../errors.ts'
import { errorCode, readAt } from './fs-util.ts'

const NEWLINE = 10
const TAIL_CHUNK = 64 * 1024

/** The journal file of a folder store. */
export class Journal {
  constructor(
    /** Path of the journal file. */
    readonly path: string,
  ) {}

  /** Appends one line per change and flushes them; call under the folder lock. */
  async append(changes: BlobMeta[]): Promise<void> {
    if (changes.length === 0) return
    await this.#appendRaw(changes.map((change) => `${JSON.stringify(change)}\n`).join(''))
  }

  /** Ends the journal with a newline if a crash tore its last line; call under the folder lock. */
  async repairTail(): Promise<void> {
    const size = await this.#size()
    if (size === 0) return
    const handle = await open(this.path, 'r')
    let last: Uint8Array
    try {
      last = await readAt(handle, size - 1, 1)
    } finally {
      await handle.close()
    }
    if (last[0] !== NEWLINE) await this.#appendRaw('\n')
  }

  /** The offset just after the last complete line: a cursor position covering every change so far. */
  async end(): Promise<number> {
    const size = await this.#size()
    if (size === 0) return 0
    const handle = await open(this.path, 'r')
    try {
      for (let to = size; to > 0; to -= TAIL_CHUNK) {
        const from = Math.max(0, to - TAIL_CHUNK)
        const chunk = await readAt(handle, from, to - from)
        const at = chunk.lastIndexOf(NEWLINE)
        if (at >= 0) return from + at + 1
      }
      return 0
    } finally {
      await handle.close()
    }
  }

  /** The changes recorded after offset `from`, and the offset after the last complete line. */
  async read(from: number): Promise<{ changes: BlobMeta[]; position: number }> {
    const size = await this.#size()
    if (from > size) {
      throw new CursorResetError(
        'the listing cursor points past the end of the journal; list the folder again',
      )
    }
    if (from === size) return { changes: [], position: from }
    const handle = await open(this.path, 'r')
    let bytes: Uint8Array
    try {
      bytes = await readAt(handle, from, size - from)
    } finally {
      await handle.close()
    }
    const end = bytes.lastIndexOf(NEWLINE) + 1
    const changes: BlobMeta[] = []
    for (const line of new TextDecoder().decode(bytes.subarray(0, end)).split('\n')) {
      const change = parseLine(line)
      if (change) changes.push(change)
    }
    return { changes, position: from + end }
  }

  async #appendRaw(text: string): Promise<void> {
    const handle = await open(this.path, 'a')
    try {
      await handle.write(text)
      await handle.sync()
    } finally {
      await handle.close()
    }
  }

  async #size(): Promise<number> {
    try {
      return (await stat(this.path)).size
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return 0
      throw error
    }
  }
}

/** Parses one journal line; torn or foreign lines give undefined and are skipped. */
function parseLine(line: string): BlobMeta | undefined {
  if (line === '') return undefined
  try {
    const value = JSON.parse(line) as Partial<BlobMeta>
    if (typeof value.path !== 'string') return undefined
    if (value.deleted === true) return { path: value.path, rev: '', size: 0, contentHash: '', deleted: true }
    if (
      typeof value.rev !== 'string' ||
      typeof value.size !== 'number' ||
      typeof value.contentHash !== 'string'
    ) {
      return undefined
    }
    return { path: value.path, rev: value.rev, size: value.size, contentHash: value.contentHash }
  } catch {
    return undefined
  }
}
