/** Tokens in a file (Node): readable by the owner only, replaced atomically. */

import { randomBytes } from 'node:crypto'
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { YDropboxError } from '@y-dropbox/core'
import type { DropboxTokens, TokenStore } from './token-store.ts'

/**
 * A `TokenStore` in one JSON file with mode 0600. Each save writes a
 * temporary file, syncs it, renames it over the old one and syncs the folder,
 * so a crash leaves either the old tokens or the new ones.
 */
export class FileTokenStore implements TokenStore {
  /** The file's path. */
  readonly file: string

  /** @param file - where the tokens live, e.g. `~/.config/my-app/dropbox.json` */
  constructor(file: string) {
    this.file = file
  }

  /** {@inheritDoc @y-dropbox/dropbox-provider!TokenStore.load} */
  async load(): Promise<DropboxTokens | undefined> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
    try {
      return JSON.parse(text) as DropboxTokens
    } catch {
      throw new YDropboxError(`the token file ${this.file} is unreadable; delete it and link Dropbox again`)
    }
  }

  /** {@inheritDoc @y-dropbox/dropbox-provider!TokenStore.save} */
  async save(tokens: DropboxTokens): Promise<void> {
    const dir = dirname(this.file)
    await mkdir(dir, { recursive: true, mode: 0o700 })
    const temp = `${this.file}.${randomBytes(6).toString('hex')}.tmp`
    const handle = await open(temp, 'wx', 0o600)
    try {
      await handle.writeFile(JSON.stringify(tokens))
      await handle.sync()
    } finally {
      await handle.close()
    }
    try {
      // The umask cannot widen 0600, but an inherited ACL or odd umask might narrow it oddly: set it explicitly.
      await chmod(temp, 0o600)
      await rename(temp, this.file)
    } catch (error) {
      await rm(temp, { force: true })
      throw error
    }
    await syncDir(dir)
  }

  /** {@inheritDoc @y-dropbox/dropbox-provider!TokenStore.clear} */
  async clear(): Promise<void> {
    await rm(this.file, { force: true })
    await syncDir(dirname(this.file))
  }
}

async function syncDir(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined
  try {
    handle = await open(dir, 'r')
    await handle.sync()
  } catch {
    // Some platforms cannot open or sync a directory; the rename is still atomic.
  } finally {
    await handle?.close()
  }
}
