import { spawn } from 'node:child_process'
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runBlobStoreContract } from '@y-dropbox/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConflictError, CorruptBlobError, TransientError, YDropboxError } from '../../src/errors.ts'
import { FsBlobStore } from '../../src/stores/fs-blob-store.ts'
import { finished, spawnFixture } from './spawn-tsx.ts'

const bytes = (text: string) => new TextEncoder().encode(text)
const fast = { pollIntervalMs: 10, watchTimeoutMs: 2000 }

runBlobStoreContract('FsBlobStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fs-blob-contract-'))
  return {
    store: await FsBlobStore.open({ dir, ...fast }),
    reopen: () => FsBlobStore.open({ dir, ...fast }),
    teardown: () => rm(dir, { recursive: true, force: true }),
  }
})

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''])
  await new Promise((resolve) => child.on('exit', resolve))
  return child.pid!
}

describe('FsBlobStore', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fs-blob-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('keeps lower-case paths and a metadata line on disk, and prunes emptied folders', async () => {
    const store = await FsBlobStore.open({ dir })
    const meta = await store.put('/Pool/Devices/A.JSON', bytes('{}'), 'add')
    const raw = await readFile(join(dir, 'files', 'pool', 'devices', 'a.json'), 'utf8')
    expect(raw).toBe(`${JSON.stringify({ rev: meta.rev, size: 2, contentHash: meta.contentHash })}\n{}`)
    await store.delete(['/pool/devices/a.json'])
    expect(await readdir(join(dir, 'files'))).toEqual([])
    expect(await readdir(join(dir, 'tmp'))).toEqual([])
  })

  it('lets two stores on one folder see each other, cursors included', async () => {
    const a = await FsBlobStore.open({ dir })
    const b = await FsBlobStore.open({ dir })
    const { cursor } = await a.list('/p')
    await b.put('/p/x', bytes('x'), 'add')
    await expect(a.put('/p/x', bytes('y'), 'add')).rejects.toBeInstanceOf(ConflictError)
    expect((await a.list('/p', cursor)).entries.map((e) => e.path)).toEqual(['/p/x'])
    expect((await b.list('/p', cursor)).entries.map((e) => e.path)).toEqual(['/p/x'])
  })

  it('serialises compare-and-swap across processes', async () => {
    await (await FsBlobStore.open({ dir })).put('/counter', bytes('0'), 'add')
    const children = ['one', 'two', 'three'].map((name) =>
      finished(spawnFixture('fs-blob-worker.ts', [dir, name, '15'])),
    )
    const reports = (await Promise.all(children)).map(
      (out) => JSON.parse(out) as { name: string; won: boolean },
    )
    const store = await FsBlobStore.open({ dir })
    expect(new TextDecoder().decode((await store.get('/counter'))?.data)).toBe('45')
    const winners = reports.filter((r) => r.won).map((r) => r.name)
    expect(winners).toHaveLength(1)
    expect(new TextDecoder().decode((await store.get('/winner'))?.data)).toBe(winners[0])
  })

  it('breaks the lock of a dead process and journals what it changed without journaling', async () => {
    const store = await FsBlobStore.open({ dir })
    await store.put('/p/before', bytes('0'), 'add')
    const { cursor } = await store.list('/p')
    // A writer died after renaming /p/crashed into place, before journaling it, with a torn journal line.
    await mkdir(join(dir, 'files', 'p'), { recursive: true })
    await writeFile(
      join(dir, 'files', 'p', 'crashed'),
      `${JSON.stringify({ rev: 'abc', size: 1, contentHash: 'h' })}\nx`,
    )
    await appendFile(join(dir, 'journal'), '{"path":"/p/torn","rev":')
    const pid = await deadPid()
    await writeFile(
      join(dir, 'lock'),
      JSON.stringify({ pid, nonce: 'n', paths: ['/p/crashed', '/p/before'] }),
    )
    await store.put('/p/after', bytes('1'), 'add')
    const changes = await store.list('/p', cursor)
    expect(changes.entries.map((e) => e.path).sort()).toEqual(['/p/after', '/p/before', '/p/crashed'])
    expect(changes.entries.find((e) => e.path === '/p/crashed')?.rev).toBe('abc')
    await expect(readFile(join(dir, 'lock'))).rejects.toThrow(/ENOENT/)
  })

  it('waits for a live holder and gives up after lockTimeoutMs', async () => {
    const store = await FsBlobStore.open({ dir, lockTimeoutMs: 50 })
    await writeFile(join(dir, 'lock'), JSON.stringify({ pid: process.pid, nonce: 'other', paths: [] }))
    const error = await store.put('/x', bytes('x'), 'add').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TransientError)
    expect((error as Error).message).toMatch(/held by process \d+/)
    expect(await store.get('/x')).toBeUndefined()
    await rm(join(dir, 'lock'))
    await store.put('/x', bytes('x'), 'add')
  })

  it('refuses files where a folder is and folders where a file is', async () => {
    const store = await FsBlobStore.open({ dir })
    await store.put('/a/b/c', bytes('c'), 'add')
    await expect(store.put('/a/b', bytes('b'), 'overwrite')).rejects.toThrow(/is a folder/)
    await expect(store.put('/a/b/c/d', bytes('d'), 'overwrite')).rejects.toThrow(/parent folder .* is a file/)
    await store.delete(['/a/b'])
    expect((await store.get('/a/b/c'))?.data).toEqual(bytes('c'))
  })

  it('reports foreign files as corrupt on get and leaves them out of listings', async () => {
    const store = await FsBlobStore.open({ dir })
    await store.put('/p/good', bytes('g'), 'add')
    await writeFile(join(dir, 'files', 'p', 'foreign'), 'no metadata line')
    await expect(store.get('/p/foreign')).rejects.toBeInstanceOf(CorruptBlobError)
    expect((await store.list('/p')).entries.map((e) => e.path)).toEqual(['/p/good'])
  })

  it('refuses a folder whose store.json is not its own', async () => {
    await writeFile(join(dir, 'store.json'), '{"format":"something else"}')
    await expect(FsBlobStore.open({ dir })).rejects.toBeInstanceOf(YDropboxError)
  })

  it('watch resolves false after watchTimeoutMs and rejects on abort', async () => {
    const store = await FsBlobStore.open({ dir, pollIntervalMs: 5, watchTimeoutMs: 30 })
    const { cursor } = await store.list('/w')
    await store.put('/other/x', bytes('x'), 'add')
    expect(await store.watch(cursor, new AbortController().signal)).toBe(false)
    const controller = new AbortController()
    const slow = await FsBlobStore.open({ dir, pollIntervalMs: 5, watchTimeoutMs: 60_000 })
    const watching = slow.watch(cursor, controller.signal)
    controller.abort()
    await expect(watching).rejects.toMatchObject({ name: 'AbortError' })
  })
})
