/**
 * The read-only folder store runs the BlobStore contract with a stand-in for
 * the Dropbox desktop client writing plain files into the folder (display
 * case kept, no metadata): the store under test answers every read and
 * listing; the stand-in does the writes the suite needs.
 */
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runBlobStoreContract } from '@y-dropbox/testing'
import { describe, expect, it } from 'vitest'
import type { BlobMeta, BlobStore, PutMode } from '../../src/blob-store.ts'
import { ConflictError, NotFoundError, ReadOnlyStoreError } from '../../src/errors.ts'
import { ReadOnlyFolderStore } from '../../src/stores/read-only-folder-store.ts'

/** Writes like the desktop client: plain files, parent folders made, existing names matched case-insensitively. */
function desktopClient(dir: string, reader: ReadOnlyFolderStore): BlobStore {
  const local = async (path: string) => {
    let at = dir
    for (const segment of path.split('/').slice(1)) {
      const names = existsSync(at) ? await readdir(at) : []
      at = join(at, names.find((n) => n.toLowerCase() === segment.toLowerCase()) ?? segment)
    }
    return at
  }
  return {
    get: (path) => reader.get(path),
    list: (prefix, cursor) => reader.list(prefix, cursor),
    async put(path: string, data: Uint8Array, mode: PutMode): Promise<BlobMeta> {
      const current = await reader.get(path)
      if (mode === 'add' && current && Buffer.compare(current.data, data) !== 0) throw new ConflictError(path)
      if (typeof mode === 'object' && current?.meta.rev !== mode.update) throw new ConflictError(path)
      if (!(mode === 'add' && current)) {
        const file = await local(path)
        await mkdir(join(file, '..'), { recursive: true })
        await writeFile(file, data)
      }
      return (await reader.get(path))!.meta
    },
    async delete(paths: string[]): Promise<void> {
      for (const path of paths) await rm(await local(path), { force: true })
    },
  }
}

runBlobStoreContract('read-only folder (written by a stand-in desktop client)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ro-folder-'))
  const reader = await ReadOnlyFolderStore.open({ dir })
  return { store: desktopClient(dir, reader), teardown: () => rm(dir, { recursive: true, force: true }) }
})

describe('ReadOnlyFolderStore', () => {
  it('refuses every write with a clear error and leaves the folder alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ro-folder-'))
    try {
      await mkdir(join(dir, 'Pain Diary'))
      await writeFile(join(dir, 'Pain Diary', 'pool.json'), '{}')
      const store = await ReadOnlyFolderStore.open({ dir })
      await expect(store.put('/pain diary/pool.json', new Uint8Array([1]), 'overwrite')).rejects.toThrow(
        ReadOnlyStoreError,
      )
      await expect(store.delete(['/pain diary/pool.json'])).rejects.toThrow(/read-only/)
      await expect(store.putMany([{ path: '/x' }])).rejects.toThrow(ReadOnlyStoreError)
      expect((await store.get('/PAIN DIARY/POOL.JSON'))?.data).toEqual(new TextEncoder().encode('{}'))
      expect((await store.list('/pain diary')).entries.map((e) => e.path)).toEqual(['/pain diary/pool.json'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('refuses a folder that does not exist', async () => {
    await expect(ReadOnlyFolderStore.open({ dir: '/no/such/folder/here' })).rejects.toThrow(NotFoundError)
  })
})
