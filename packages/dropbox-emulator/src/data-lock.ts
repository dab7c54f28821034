/**
 * One emulator per data folder: a `LOCK` file holding the owner's process id. A lock left by
 * a process that no longer runs (a crash) is taken over.
 */
import { open, readFile, realpath, rm } from 'node:fs/promises'
import { join } from 'node:path'

/** Folders locked by this process (a copied folder may carry our own pid without being ours). */
const held = new Set<string>()

/** Takes the lock of `dir`; throws when another live emulator holds it. Returns the release function. */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const key = await realpath(dir)
  const file = join(dir, 'LOCK')
  if (held.has(key)) throw inUse(dir, process.pid)
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(file, 'wx')
      await handle.writeFile(String(process.pid))
      await handle.close()
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error
      const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim())
      if (owner !== process.pid && isAlive(owner)) throw inUse(dir, owner)
      await rm(file, { force: true })
    }
  }
  held.add(key)
  return async () => {
    held.delete(key)
    await rm(file, { force: true })
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function inUse(dir: string, pid: number): Error {
  return new Error(
    `${dir} is in use by another emulator (process ${pid}); stop it or give another data folder`,
  )
}
