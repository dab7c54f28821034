/**
 * A round woken by a change, with nothing to upload, takes `pool.json` from
 * its listing when the listing shows the revision a round verified less than
 * a minute ago: each reading device saves a download per change it takes in.
 * A changed `pool.json`, an older verification or changes to upload make the
 * round read it as before.
 */
import { describe, expect, it } from 'vitest'
import type { BlobStore } from '../../src/blob-store.ts'
import { LISTED_POOL_TRUST_MS } from '../../src/engine/round.ts'
import { arrived, MemoryCloud, openDevice, setField } from './helpers.ts'

/** A client of `cloud` that names each call it makes in `log`. */
function recorded(cloud: MemoryCloud, log: string[]): BlobStore {
  const store = cloud.connect()
  const named = (path: string) => (path.endsWith('.ydu') ? 'log' : path.split('/').pop())
  return {
    put: (path, data, mode) => {
      log.push(`put ${named(path)}`)
      return store.put(path, data, mode)
    },
    get: (path) => {
      log.push(`get ${named(path)}`)
      return store.get(path)
    },
    list: (prefix, cursor) => {
      log.push('list')
      return store.list(prefix, cursor)
    },
    delete: (paths) => store.delete(paths),
    watch: (cursor, signal) => store.watch(cursor, signal),
  }
}

const poll = { timeout: 20_000, interval: 5 }

/**
 * Writer `a` and reader `b` (its calls in `log`, its clock `clock.now`),
 * both syncing in the background, once a first save of `a` reached `b` and
 * both are idle (so `b`'s rounds have verified `pool.json` and know the writer).
 */
async function pair() {
  const cloud = new MemoryCloud()
  const log: string[] = []
  const clock = { offset: 0, now: () => Date.now() + clock.offset }
  const fast = { autoSync: true, pushDelayMs: 10, flushDelayMs: 5 }
  const a = await openDevice(cloud, 'a', fast)
  const b = await openDevice(cloud, 'b', { ...fast, remote: recorded(cloud, log), now: () => clock.now() })
  await a.engine.activate()
  await b.engine.activate()
  const idle = () => expect.poll(() => [a, b].every((d) => d.engine.status.state === 'idle'), poll).toBe(true)
  await idle()
  await setField(a.engine, 'e1', 'pain', 1)
  await arrived(b, 'e1', 1)
  await idle()
  log.length = 0
  return { cloud, log, clock, a, b, idle }
}

describe("a woken round's pool check", () => {
  it('takes pool.json from the listing when it shows the revision verified lately, and still applies the change', async () => {
    const { log, a, b, idle } = await pair()
    await setField(a.engine, 'e1', 'pain', 2)
    await arrived(b, 'e1', 2)
    await idle()
    expect(log).toContain('get log')
    expect(log).toContain('list')
    expect(log).not.toContain('get pool.json')
    // Nothing to upload, so nothing written (no device record, no upkeep).
    expect(log.filter((call) => call.startsWith('put '))).toEqual([])
    await a.engine.close()
    await b.engine.close()
  })

  it('reads pool.json again once the last verification is older than the trust window', async () => {
    const { log, clock, a, b, idle } = await pair()
    clock.offset += LISTED_POOL_TRUST_MS
    await setField(a.engine, 'e1', 'pain', 2)
    await arrived(b, 'e1', 2)
    await idle()
    expect(log).toContain('get pool.json')
    await a.engine.close()
    await b.engine.close()
  })

  it('reads pool.json in the same round when the listing shows a new revision of it', async () => {
    const { cloud, log, a, b, idle } = await pair()
    // pool.json written again with the same record (a newline added): a new revision, and the only change.
    const other = cloud.connect()
    const got = (await other.get('/diary/pool.json'))!
    await other.put('/diary/pool.json', new Uint8Array([...got.data, 0x0a]), { update: got.meta.rev })
    await expect.poll(() => log.includes('get pool.json'), poll).toBe(true)
    await idle()
    // One round: it listed, saw the new revision and read it; no second round was needed to notice.
    expect(log.filter((call) => call === 'list' || call === 'get pool.json')).toEqual([
      'list',
      'get pool.json',
    ])
    await a.engine.close()
    await b.engine.close()
  })

  it('notices a new master uploaded by another device', async () => {
    const { a, b } = await pair()
    await a.engine.uploadMaster()
    await expect.poll(() => b.engine.status.state, poll).toBe('needs-master')
    await a.engine.close()
    await b.engine.close()
  })

  it('reads pool.json and uploads when the woken device has changes of its own waiting', async () => {
    const cloud = new MemoryCloud()
    const log: string[] = []
    const a = await openDevice(cloud, 'a', { autoSync: true, pushDelayMs: 10, flushDelayMs: 5 })
    // b's own push waits long, so its change is still waiting when a's save wakes it.
    const b = await openDevice(cloud, 'b', {
      autoSync: true,
      pushDelayMs: 60_000,
      flushDelayMs: 5,
      remote: recorded(cloud, log),
    })
    await a.engine.activate()
    await b.engine.activate()
    await setField(a.engine, 'e1', 'pain', 1)
    await arrived(b, 'e1', 1)
    await expect.poll(() => b.engine.status.state, poll).toBe('idle')
    await setField(b.engine, 'e2', 'pain', 7)
    await expect.poll(() => b.engine.status.pending, poll).toBe(1)
    log.length = 0
    await setField(a.engine, 'e1', 'pain', 2)
    await arrived(b, 'e1', 2)
    // The woken round was not read-only: it checked pool.json and sent b's change with a's.
    await expect.poll(() => log.includes('put log'), poll).toBe(true)
    expect(log.indexOf('get pool.json')).toBeGreaterThanOrEqual(0)
    expect(log.indexOf('get pool.json')).toBeLessThan(log.indexOf('put log'))
    await arrived(a, 'e2', 7)
    await a.engine.close()
    await b.engine.close()
  })

  it('never writes into a pool replaced behind a lagging listing: the woken round only reads, the push round finds out', async () => {
    const cloud = new MemoryCloud()
    const fast = { autoSync: true, pushDelayMs: 10, flushDelayMs: 5 }
    const a = await openDevice(cloud, 'a', fast)
    const bStore = cloud.connect()
    const b = await openDevice(cloud, 'b', { ...fast, remote: bStore })
    await a.engine.activate()
    await b.engine.activate()
    await setField(a.engine, 'e1', 'pain', 1)
    await arrived(b, 'e1', 1)
    await expect.poll(() => b.engine.status.state, poll).toBe('idle')
    // From here b's listings show nothing new, while its long-poll and downloads stay current.
    bStore.setFaults({ listLag: 1_000 })
    // Another device deletes the sync data and starts a new pool: b is woken, its listing still shows the old pool.json.
    await a.engine.deleteAllSyncData()
    await a.engine.activate()
    const logs = async () =>
      (await cloud.connect().list('/diary')).entries.filter((e) => e.path.endsWith('.ydu')).map((e) => e.path)
    const before = await logs()
    await setField(b.engine, 'e2', 'pain', 7)
    // b's push round reads pool.json, finds another pool and stops, without uploading e2 anywhere.
    await expect.poll(() => b.engine.status.state, poll).toBe('inactive')
    expect(await logs()).toEqual(before)
    await a.engine.close()
    await b.engine.close()
  })
})
