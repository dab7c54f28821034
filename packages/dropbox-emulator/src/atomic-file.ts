/**
 * Crash-safe file writes: a reader sees the old bytes or the new bytes, never a torn mix.
 */
import { randomBytes } from 'node:crypto'
import { open, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'

/**
 * Writes `data` to `path` through a temporary file in the same folder: write, fsync, rename,
 * then fsync the folder so the rename itself survives a power cut. With `fsync: false` the
 * syncs are skipped (faster, still atomic against process crashes).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, fsync = true): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`
  try {
    const handle = await open(temp, 'w')
    try {
      await handle.writeFile(data)
      if (fsync) await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, path)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
  if (fsync) await syncFolder(dirname(path))
}

/** Flushes a folder's entries (new names, renames) to disk. */
export async function syncFolder(path: string): Promise<void> {
  const handle = await open(path, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
