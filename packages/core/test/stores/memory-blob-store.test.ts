import { describe, expect, it } from 'vitest'
import type { BlobMeta } from '../../src/blob-store.ts'
import { CursorResetError, RateLimitError, TransientError, YDropboxError } from '../../src/errors.ts'
import { MemoryBlobStore, MemoryCloud } from '../../src/stores/memory-blob-store.ts'

const bytes = (text: string) => new TextEncoder().encode(text)

/** Runs `count` puts and records how each ended. */
async function outcomes(store: MemoryBlobStore, count: number): Promise<string[]> {
  const out: string[] = []
  for (let i = 0; i < count; i++) {
    try {
      await store.put(`/f/${i}`, bytes(String(i)), 'overwrite')
      out.push('ok')
    } catch (error) {
      out.push((error as Error).name)
    }
  }
  return out
}

/** Applies listing entries to a map of path → rev. */
function apply(state: Map<string, string>, entries: BlobMeta[]): void {
  for (const e of entries) {
    if (e.deleted) state.delete(e.path)
    else state.set(e.path, e.rev)
  }
}

describe('MemoryBlobStore faults', () => {
  it('draws the same faults from the same seed and other faults from another', async () => {
    const faults = { failureRate: 0.3, rateLimitRate: 0.1, failAfterWriteRate: 0.1 }
    const a = await outcomes(new MemoryBlobStore({ seed: 42, ...faults }), 60)
    const b = await outcomes(new MemoryBlobStore({ seed: 42, ...faults }), 60)
    const c = await outcomes(new MemoryBlobStore({ seed: 43, ...faults }), 60)
    expect(a).toEqual(b)
    expect(a).not.toEqual(c)
    expect(new Set(a)).toEqual(new Set(['ok', 'TransientError', 'RateLimitError']))
  })

  it('fails before the write takes effect at failureRate', async () => {
    const store = new MemoryBlobStore({ failureRate: 1 })
    await expect(store.put('/x', bytes('x'), 'add')).rejects.toBeInstanceOf(TransientError)
    expect(store.cloud.files()).toEqual([])
    store.setFaults({ failureRate: 0 })
    expect(await store.get('/x')).toBeUndefined()
  })

  it('loses the response after the write took effect at failAfterWriteRate; a retried add is harmless', async () => {
    const store = new MemoryBlobStore({ failAfterWriteRate: 1 })
    await expect(store.put('/x', bytes('x'), 'add')).rejects.toThrow(/took effect/)
    await expect(store.delete(['/nothing'])).rejects.toBeInstanceOf(TransientError)
    const [file] = store.cloud.files()
    expect(file?.data).toEqual(bytes('x'))
    store.setFaults({ failAfterWriteRate: 0 })
    expect((await store.put('/x', bytes('x'), 'add')).rev).toBe(file?.meta.rev)
  })

  it('rate limits with the configured retryAfterMs', async () => {
    const store = new MemoryBlobStore({ rateLimitRate: 1, retryAfterMs: 2500 })
    const error = await store.get('/x').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RateLimitError)
    expect((error as RateLimitError).retryAfterMs).toBe(2500)
  })

  it('refuses every call while offline and works again afterwards', async () => {
    const cloud = new MemoryCloud()
    const store = cloud.connect({ offline: true })
    const calls = [
      store.put('/x', bytes('x'), 'add'),
      store.get('/x'),
      store.list('/'),
      store.delete(['/x']),
      store.watch('mem1:x:0:', new AbortController().signal),
    ]
    for (const call of calls) await expect(call).rejects.toThrow(/offline/)
    expect(store.stats().faults).toBe(5)
    store.setFaults({ offline: false })
    expect(store.faults.offline).toBe(false)
    await store.put('/x', bytes('x'), 'add')
    expect(cloud.files().map((f) => f.meta.path)).toEqual(['/x'])
  })

  it('fails calls on the paths failPaths matches, watch included (by the folder it watches)', async () => {
    const cloud = new MemoryCloud()
    const store = cloud.connect()
    const devices = await store.list('/p/devices')
    const logs = await store.list('/p/log')
    store.setFaults({ failPaths: /\/devices(\/|$)/ })
    await expect(store.put('/p/devices/a.json', bytes('a'), 'add')).rejects.toBeInstanceOf(TransientError)
    const stop = new AbortController()
    await expect(store.watch(devices.cursor, stop.signal)).rejects.toThrow(/simulated failure of watch/)
    await store.put('/p/log/b.ydu', bytes('b'), 'add')
    await expect(store.watch(logs.cursor, stop.signal)).resolves.toBe(true)
  })

  it('waits the latency through the injected sleep, drawn from the seeded range', async () => {
    const waits: number[] = []
    const sleep = async (ms: number) => {
      waits.push(ms)
    }
    const store = new MemoryBlobStore({ seed: 7, latencyMs: { min: 50, max: 80 }, sleep })
    for (let i = 0; i < 20; i++) await store.get('/x')
    expect(waits).toHaveLength(20)
    expect(waits.every((ms) => ms >= 50 && ms <= 80 && Number.isInteger(ms))).toBe(true)
    expect(new Set(waits).size).toBeGreaterThan(3)
    const again: number[] = []
    const twin = new MemoryBlobStore({
      seed: 7,
      latencyMs: { min: 50, max: 80 },
      sleep: async (ms) => void again.push(ms),
    })
    for (let i = 0; i < 20; i++) await twin.get('/x')
    expect(again).toEqual(waits)
    store.setFaults({ latencyMs: 5 })
    await store.list('/')
    expect(waits.at(-1)).toBe(5)
  })
})

describe('MemoryBlobStore listing lag and duplicates', () => {
  it('shows a change to a lagging client only after listLag further list calls', async () => {
    const cloud = new MemoryCloud()
    const writer = cloud.connect()
    const reader = cloud.connect({ listLag: 2 })
    const { cursor } = await reader.list('/p')
    await writer.put('/p/a', bytes('a'), 'add')
    expect((await reader.list('/p')).entries).toEqual([])
    expect((await reader.list('/p', cursor)).entries).toEqual([])
    const third = await reader.list('/p', cursor)
    expect(third.entries.map((e) => e.path)).toEqual(['/p/a'])
    expect((await reader.get('/p/a'))?.data).toEqual(bytes('a'))
    expect((await writer.list('/p')).entries).toHaveLength(1)
  })

  it('keeps cursor listings complete under lag, duplicates and interleaved writes', async () => {
    const cloud = new MemoryCloud({ seed: 5 })
    const writer = cloud.connect()
    const reader = cloud.connect({ listLag: 3, duplicateRate: 0.3 })
    const seen = new Map<string, string>()
    let { cursor } = await reader.list('/p')
    let duplicates = 0
    for (let round = 0; round < 40; round++) {
      const n = round % 7
      if (round % 3 === 2) await writer.delete([`/p/${n}`, `/p/${(n + 3) % 7}`])
      else await writer.put(`/p/${n}`, bytes(`${round}`), 'overwrite')
      await writer.put(`/q/${n}`, bytes(`${round}`), 'overwrite')
      if (round % 2 === 0) {
        const page = await reader.list('/p', cursor)
        duplicates += page.entries.length - new Set(page.entries.map((e) => e.path)).size
        apply(seen, page.entries)
        cursor = page.cursor
      }
    }
    for (let i = 0; i < 4; i++) {
      const page = await reader.list('/p', cursor)
      apply(seen, page.entries)
      cursor = page.cursor
    }
    const truth = new Map(cloud.files('/p').map((f) => [f.meta.path, f.meta.rev]))
    expect(seen).toEqual(truth)
    expect(duplicates).toBeGreaterThan(0)
  })

  it('repeats every entry when duplicateRate is 1', async () => {
    const store = new MemoryBlobStore({ duplicateRate: 1 })
    await store.put('/d/a', bytes('a'), 'add')
    const { entries } = await store.list('/d')
    expect(entries.map((e) => e.path)).toEqual(['/d/a', '/d/a'])
  })
})

describe('MemoryBlobStore cursors, watch, stats and paths', () => {
  it('rejects cursors from a reset cloud, another folder or elsewhere with CursorResetError', async () => {
    const cloud = new MemoryCloud()
    const store = cloud.connect()
    const { cursor } = await store.list('/a')
    await expect(store.list('/b', cursor)).rejects.toBeInstanceOf(CursorResetError)
    await expect(store.list('/a', 'garbage')).rejects.toBeInstanceOf(CursorResetError)
    await expect(new MemoryBlobStore().list('/a', cursor)).rejects.toBeInstanceOf(CursorResetError)
    cloud.resetCursors()
    await expect(store.list('/a', cursor)).rejects.toBeInstanceOf(CursorResetError)
    await expect(store.watch(cursor, new AbortController().signal)).rejects.toBeInstanceOf(CursorResetError)
    const fresh = await store.list('/a')
    expect((await store.list('/a', fresh.cursor)).entries).toEqual([])
  })

  it('watch resolves false after watchTimeoutMs and true for a change seen by another client', async () => {
    const cloud = new MemoryCloud()
    const watcher = cloud.connect({ watchTimeoutMs: 10 })
    const { cursor } = await watcher.list('/w')
    expect(await watcher.watch(cursor, new AbortController().signal)).toBe(false)
    const patient = cloud.connect({ watchTimeoutMs: 60_000 })
    const watching = patient.watch(cursor, new AbortController().signal)
    await cloud.connect().put('/w/x', bytes('x'), 'add')
    expect(await watching).toBe(true)
  })

  it('counts calls and bytes per client and for the whole cloud', async () => {
    const cloud = new MemoryCloud()
    const a = cloud.connect()
    const b = cloud.connect({ failureRate: 1 })
    await a.put('/s/1', bytes('12345'), 'add')
    await a.get('/s/1')
    await a.get('/s/missing')
    await a.list('/s')
    await a.delete(['/s/1'])
    await expect(b.get('/s/1')).rejects.toBeInstanceOf(TransientError)
    expect(a.stats()).toEqual({
      calls: { put: 1, get: 2, getFolder: 0, list: 1, delete: 1, watch: 0 },
      bytesUp: 5,
      bytesDown: 5,
      faults: 0,
    })
    expect(b.stats().calls.get).toBe(1)
    expect(cloud.stats()).toEqual({
      calls: { put: 1, get: 3, getFolder: 0, list: 1, delete: 1, watch: 0 },
      bytesUp: 5,
      bytesDown: 5,
      faults: 1,
    })
  })

  it('refuses malformed paths with a message that says what to use', async () => {
    const store = new MemoryBlobStore()
    await expect(store.put('relative/x', bytes('x'), 'add')).rejects.toThrow(/absolute path/)
    await expect(store.get('/a//b')).rejects.toBeInstanceOf(YDropboxError)
    await expect(store.get('/a/../b')).rejects.toThrow(/segments/)
    await expect(store.list('nope')).rejects.toThrow(/absolute/)
  })

  it('update of a missing file is a conflict', async () => {
    const store = new MemoryBlobStore()
    await expect(store.put('/x', bytes('x'), { update: '000000001' })).rejects.toThrow(/no file/)
  })
})

describe('MemoryBlobStore files and folders', () => {
  it('refuses a file where a folder is and a folder where a file is, like Dropbox', async () => {
    const store = new MemoryBlobStore()
    await store.put('/a/b/c', bytes('c'), 'add')
    await expect(store.put('/a/b', bytes('b'), 'overwrite')).rejects.toThrow(/is a folder/)
    await expect(store.put('/a', bytes('a'), 'add')).rejects.toThrow(/is a folder/)
    await expect(store.put('/a/b/c/d', bytes('d'), 'overwrite')).rejects.toThrow(/parent folder .* is a file/)
    await store.delete(['/a/b'])
    expect((await store.get('/a/b/c'))?.data).toEqual(bytes('c'))
    await store.delete(['/a/b/c'])
    await store.put('/a/b', bytes('now a file'), 'add')
    expect(store.cloud.files().map((f) => f.meta.path)).toEqual(['/a/b'])
  })
})
