import { RateLimitError, TransientError } from '@y-dropbox/core'
import { describe, expect, it } from 'vitest'
import type { RetryInfo } from '../src/retry.ts'
import {
  bytes,
  dropped,
  fail,
  fileMetadata,
  rateLimited,
  routeError,
  ScriptedDropbox,
  testStore,
} from './helpers/scripted-dropbox.ts'

async function uploadOk(path: string, data: Uint8Array) {
  return new Response(JSON.stringify(await fileMetadata(path, data)), { status: 200 })
}

describe('retries', () => {
  it('honours Retry-After on 429 and tells onRetry', async () => {
    const data = bytes('hello')
    const dbx = new ScriptedDropbox().queue(
      'files/upload',
      rateLimited(2),
      rateLimited(2),
      await uploadOk('/a/b', data),
    )
    const infos: RetryInfo[] = []
    const { store, clock } = testStore(dbx, { onRetry: (info) => infos.push(info) })
    const meta = await store.put('/a/b', data, 'add')
    expect(meta.path).toBe('/a/b')
    expect(dbx.callsTo('files/upload')).toHaveLength(3)
    expect(clock.slept).toHaveLength(2)
    for (const ms of clock.slept) expect(ms).toBeGreaterThanOrEqual(2000)
    expect(infos.map((i) => [i.attempt, i.reason, i.status])).toEqual([
      [1, 'rate-limit', 429],
      [2, 'rate-limit', 429],
    ])
    expect(infos[0]!.operation).toBe('upload /a/b')
  })

  it('honours Retry-After on 409 too_many_write_operations', async () => {
    const data = bytes('x')
    const dbx = new ScriptedDropbox().queue(
      'files/upload',
      routeError(['path', 'too_many_write_operations'], { 'Retry-After': '3' }),
      await uploadOk('/x', data),
    )
    const infos: RetryInfo[] = []
    const { store, clock } = testStore(dbx, { onRetry: (info) => infos.push(info) })
    await store.put('/x', data, 'overwrite')
    expect(clock.slept[0]).toBeGreaterThanOrEqual(3000)
    expect(infos[0]!.reason).toBe('write-lock')
  })

  it('retries 5xx and dropped connections with growing, jittered delays', async () => {
    const data = bytes('y')
    const dbx = new ScriptedDropbox().queue(
      'files/upload',
      fail(500, 'oops'),
      dropped(),
      fail(503, 'busy'),
      await uploadOk('/y', data),
    )
    const { store, clock } = testStore(dbx, { baseDelayMs: 100, random: () => 0.5 })
    await store.put('/y', data, 'overwrite')
    // Full jitter with random 0.5: half of 100, 200, 400.
    expect(clock.slept).toEqual([50, 100, 200])
  })

  it('gives up with TransientError when the budget is spent', async () => {
    const dbx = new ScriptedDropbox().on('files/upload', fail(500, 'down'))
    const { store, clock } = testStore(dbx, { maxRetryTimeMs: 5_000, baseDelayMs: 1_000, random: () => 0.99 })
    const error = await store.put('/z', bytes('z'), 'add').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TransientError)
    expect((error as Error).message).toMatch(/upload \/z kept failing \(HTTP 500\)/)
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5_000)
  })

  it('throws RateLimitError at once when Retry-After exceeds the remaining budget', async () => {
    const dbx = new ScriptedDropbox().on('files/upload', rateLimited(300))
    const { store, clock } = testStore(dbx, { maxRetryTimeMs: 60_000 })
    const error = await store.put('/z', bytes('z'), 'add').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RateLimitError)
    expect((error as RateLimitError).retryAfterMs).toBe(300_000)
    expect(clock.slept).toEqual([])
    expect(dbx.callsTo('files/upload')).toHaveLength(1)
  })

  it('ends a long 429 storm with RateLimitError carrying the wait', async () => {
    const dbx = new ScriptedDropbox().on('files/upload', rateLimited(20))
    const { store } = testStore(dbx, { maxRetryTimeMs: 50_000 })
    const error = await store.put('/z', bytes('z'), 'add').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RateLimitError)
    expect((error as RateLimitError).retryAfterMs).toBeGreaterThanOrEqual(20_000)
    expect((error as Error).message).toMatch(/rate limiting/)
  })

  it('does not retry programming errors', async () => {
    const dbx = new ScriptedDropbox().on('files/upload', new TypeError('cannot read properties of undefined'))
    const { store, clock } = testStore(dbx)
    await expect(store.put('/z', bytes('z'), 'add')).rejects.toThrow(/cannot read properties/)
    expect(clock.slept).toEqual([])
  })

  it('reports a plain-text 400 as a clear error without retrying', async () => {
    const dbx = new ScriptedDropbox().on(
      'files/upload',
      fail(400, 'Error in call to API function "files/upload": bad'),
    )
    const { store } = testStore(dbx)
    await expect(store.put('/z', bytes('z'), 'add')).rejects.toThrow(/rejected upload \/z \(HTTP 400\)/)
    expect(dbx.callsTo('files/upload')).toHaveLength(1)
  })

  it('an onRetry that throws does not break the call', async () => {
    const data = bytes('q')
    const dbx = new ScriptedDropbox().queue('files/upload', fail(502, 'x'), await uploadOk('/q', data))
    const { store } = testStore(dbx, {
      onRetry: () => {
        throw new Error('listener bug')
      },
    })
    await expect(store.put('/q', data, 'add')).resolves.toMatchObject({ path: '/q' })
  })
})
