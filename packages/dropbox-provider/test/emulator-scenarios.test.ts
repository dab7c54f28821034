import { AuthError, contentHash, QuotaError, RateLimitError, TransientError } from '@y-dropbox/core'
import type { Emulator } from '@y-dropbox/dropbox-emulator'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { unlink } from '../src/auth/unlink.ts'
import type { RetryInfo } from '../src/retry.ts'
import { emulatorStore, startTestEmulator } from './helpers/emulator.ts'
import { bytes, fakeClock } from './helpers/scripted-dropbox.ts'

let emulator: Emulator
beforeAll(async () => {
  emulator = await startTestEmulator()
})
afterAll(() => emulator.close())
afterEach(async () => {
  emulator.faults.clear()
  await emulator.reset()
  emulator.resetStats()
})

const route = (name: string) =>
  emulator.stats().routes[name] ?? { requests: 0, statuses: {} as Record<string, number> }

describe('against emulator faults', () => {
  it('a 429 storm with Retry-After: 2 ends with every upload applied exactly once', async () => {
    const clock = fakeClock()
    const infos: RetryInfo[] = []
    const { store } = await emulatorStore(emulator, {
      sleep: clock.sleep,
      now: clock.now,
      onRetry: (info) => infos.push(info),
    })
    emulator.faults.add({ route: 'files/upload', fault: 'rate-limit', retryAfterSeconds: 2, nextN: 25 })
    const files = Array.from({ length: 10 }, (_, i) => ({
      path: `/storm/${i}.ydu`,
      data: bytes(`batch ${i}`),
    }))
    const metas = await Promise.all(files.map((f) => store.put(f.path, f.data, 'add')))
    expect(metas.map((m) => m.path)).toEqual(files.map((f) => f.path))
    expect(route('files/upload').statuses).toEqual({ '200': 10, '429': 25 })
    expect(clock.slept).toHaveLength(25)
    for (const ms of clock.slept) expect(ms).toBeGreaterThanOrEqual(2000)
    expect(infos.every((i) => i.reason === 'rate-limit' && i.status === 429)).toBe(true)
    const stored = emulator.files()
    expect(stored).toHaveLength(10)
    for (const [i, f] of files.entries()) {
      expect(stored.find((s) => s.pathLower === f.path)?.contentHash).toBe(await contentHash(files[i]!.data))
    }
  })

  it('refreshes an access token that expired mid-run exactly once for 10 concurrent calls', async () => {
    const { store, tokenStore } = await emulatorStore(emulator, { downloadConcurrency: 10 })
    for (let i = 0; i < 5; i++) await store.put(`/t/${i}`, bytes(String(i)), 'add')
    emulator.expireAllAccessTokens()
    emulator.resetStats()
    const results = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => store.get(`/t/${i}`)),
      ...Array.from({ length: 4 }, () => store.list('/t')),
      store.put('/t/new', bytes('new'), 'add'),
    ])
    expect(results).toHaveLength(10)
    expect(route('oauth2/token').requests).toBe(1)
    expect((await tokenStore.load())?.accessToken).toBe(store.auth.getAccessToken())
  })

  it('reports a revoked link as AuthError asking to link again', async () => {
    const { store, tokenStore, tokens } = await emulatorStore(emulator)
    await store.put('/r/a', bytes('a'), 'add')
    await unlink({ auth: store.auth, tokenStore })
    expect(await tokenStore.load()).toBeUndefined()
    const { store: stale } = await emulatorStore(emulator, {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
    })
    const error = await stale.get('/r/a').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect((error as Error).message).toMatch(/revoked or expired; link Dropbox again/)
  })

  it('maps insufficient_space to QuotaError', async () => {
    const { store } = await emulatorStore(emulator)
    emulator.faults.add({ route: 'files/upload', fault: 'insufficient-space' })
    await expect(store.put('/q/a', bytes('a'), 'add')).rejects.toBeInstanceOf(QuotaError)
  })

  it('throws typed errors when the retry budget is spent', async () => {
    const clock = fakeClock()
    const { store } = await emulatorStore(emulator, {
      sleep: clock.sleep,
      now: clock.now,
      maxRetryTimeMs: 10_000,
    })
    emulator.faults.add({ route: 'files/download', fault: 'server-error', status: 503 })
    await expect(store.get('/b/a')).rejects.toBeInstanceOf(TransientError)
    emulator.faults.add({ route: 'files/upload', fault: 'rate-limit', retryAfterSeconds: 120 })
    const error = await store.put('/b/a', bytes('a'), 'add').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RateLimitError)
    expect((error as RateLimitError).retryAfterMs).toBe(120_000)
    emulator.faults.clear()
    emulator.faults.add({ route: 'files/list_folder', fault: 'offline' })
    await expect(store.list('/b')).rejects.toBeInstanceOf(TransientError)
  })

  it('a lost response after a write took effect is not reported as a conflict', async () => {
    let loseNext = 0
    const { store } = await emulatorStore(emulator, {
      // Lets the request reach the emulator, then drops the answer, as a broken connection would.
      fetch: async (input, init) => {
        const response = await globalThis.fetch(input, init)
        if (
          loseNext > 0 &&
          String(input instanceof Request ? input.url : input).includes('/2/files/upload')
        ) {
          loseNext--
          await response.arrayBuffer()
          throw new TypeError('fetch failed')
        }
        return response
      },
    })
    const v1 = await store.put('/lost/pool.json', bytes('v1'), 'add')
    loseNext = 1
    const v2 = await store.put('/lost/pool.json', bytes('v2'), { update: v1.rev })
    expect(v2.rev).not.toBe(v1.rev)
    expect((await store.get('/lost/pool.json'))?.meta.rev).toBe(v2.rev)
    loseNext = 1
    await expect(store.put('/lost/log/1.ydu', bytes('batch'), 'add')).resolves.toMatchObject({ size: 5 })
    // Each lost write was sent again; the emulator (like Dropbox) accepts identical bytes as a no-op.
    expect(route('files/upload').requests).toBe(5)
    expect(
      emulator
        .files()
        .map((f) => f.pathLower)
        .sort(),
    ).toEqual(['/lost/log/1.ydu', '/lost/pool.json'])
  })

  it('faults one simulated device only, through its clientTag', async () => {
    const { store: phone } = await emulatorStore(emulator, { clientTag: 'phone', maxRetryTimeMs: 300 })
    const { store: laptop } = await emulatorStore(emulator, { clientTag: 'laptop' })
    emulator.faults.add({ client: 'phone', fault: 'offline' })
    await expect(laptop.put('/c/a', bytes('a'), 'add')).resolves.toMatchObject({ path: '/c/a' })
    await expect(phone.get('/c/a')).rejects.toBeInstanceOf(TransientError)
  })

  it('commits many files with one finish_batch_v2 and deletes them with one delete_batch', async () => {
    const { store } = await emulatorStore(emulator)
    const files = Array.from({ length: 40 }, (_, i) => ({
      path: `/shards/${i}.yds`,
      data: bytes(`shard ${i}`),
      mode: 'add' as const,
    }))
    const metas = await store.putMany(files)
    expect(metas).toHaveLength(40)
    expect(route('files/upload_session/finish_batch_v2').requests).toBe(1)
    expect(route('files/upload_session/start').requests).toBe(40)
    await store.putMany(files.slice(0, 5)) // identical bytes again: harmless
    expect((await store.list('/shards')).entries).toHaveLength(40)
    await store.delete(files.map((f) => f.path))
    expect(route('files/delete_batch').requests).toBe(1)
    expect((await store.list('/shards')).entries).toHaveLength(0)
  })

  it('commits and deletes many files through write-lock contention', async () => {
    const { store } = await emulatorStore(emulator, { maxDelayMs: 20 })
    emulator.faults.add({
      route: /finish_batch|delete_batch$/,
      fault: 'write-lock',
      retryAfterSeconds: 0,
      nextN: 2,
    })
    emulator.faults.add({ route: /upload_session\/start/, fault: 'drop', probability: 0.2 })
    const files = Array.from({ length: 20 }, (_, i) => ({
      path: `/wl/${i}`,
      data: bytes(`f${i}`),
      mode: 'add' as const,
    }))
    await store.putMany(files)
    expect(emulator.files()).toHaveLength(20)
    await store.delete(files.map((f) => f.path))
    expect(emulator.files()).toHaveLength(0)
  })

  it('watch wakes on a change', async () => {
    const { store } = await emulatorStore(emulator)
    await store.put('/w/a', bytes('a'), 'add')
    const { cursor } = await store.list('/w')
    const watching = store.watch(cursor, new AbortController().signal)
    await store.put('/w/b', bytes('b'), 'add')
    expect(await watching).toBe(true)
  })
})
