/**
 * An app supplies what its runtime lacks through `platform`: the engine uses
 * those implementations, including WebCrypto for an encrypted pool. (Supplied
 * capabilities serve the whole runtime, hence a file of their own.)
 */
import { randomBytes, webcrypto } from 'node:crypto'
import { sha256 } from '@noble/hashes/sha2.js'
import { hideWebPlatform } from '@y-dropbox/testing'
import { deflateSync, inflateSync } from 'fflate'
import { afterAll, describe, expect, it } from 'vitest'
import type { Platform } from '../../src/platform.ts'
import { contents, MemoryCloud, openDevice, setField } from '../engine/helpers.ts'

const restore = hideWebPlatform()
afterAll(restore)

describe('a platform supplied to SyncEngine.open', () => {
  it('is what the engine uses, and makes an encrypted pool work without globalThis.crypto', async () => {
    const calls = { deflateRaw: 0, inflateRaw: 0, sha256: 0, randomBytes: 0 }
    const counted =
      <A extends unknown[], R>(name: keyof typeof calls, f: (...args: A) => R) =>
      (...args: A): R => {
        calls[name]++
        return f(...args)
      }
    const platform: Platform = {
      name: 'Hermes',
      deflateRaw: counted('deflateRaw', (data: Uint8Array) => deflateSync(data)),
      inflateRaw: counted('inflateRaw', (data: Uint8Array) => inflateSync(data)),
      sha256: counted('sha256', (data: Uint8Array) => sha256(data)),
      randomBytes: counted('randomBytes', (n: number) => new Uint8Array(randomBytes(n))),
      subtle: webcrypto.subtle,
    }
    const cloud = new MemoryCloud()
    const phone = await openDevice(cloud, 'phone', { platform, passphrase: 'correct horse battery staple' })
    const tablet = await openDevice(cloud, 'tablet', { passphrase: 'correct horse battery staple' })
    await setField(phone.engine, 'a', 'notes', 'swollen '.repeat(300))
    await phone.engine.activate()
    await tablet.engine.activate()
    await phone.engine.compact()
    const laptop = await openDevice(cloud, 'laptop', { passphrase: 'correct horse battery staple' })
    await laptop.engine.activate()
    expect(await contents(laptop.engine)).toEqual({ a: { notes: 'swollen '.repeat(300) } })
    expect(laptop.engine.encrypted).toBe(true)
    for (const [name, count] of Object.entries(calls)) expect(count, name).toBeGreaterThan(0)
    expect((await tablet.engine.devices()).find((d) => d.name === 'phone')?.platform).toBe('Hermes')
  })
})
