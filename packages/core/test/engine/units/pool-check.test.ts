/** pool-check.ts on its own: reading `pool.json` and checking it before a device acts on the pool. */
import { beforeAll, describe, expect, it } from 'vitest'
import { checkPool, openPool, readPool } from '../../../src/engine/pool-check.ts'
import { CorruptBlobError, PassphraseError } from '../../../src/errors.ts'
import { encodeRecord } from '../../../src/remote/records.ts'
import { joined, MemoryCloud, type Parts, parts } from './fixture.ts'

const PASSPHRASE = 'correct horse battery'

/** Every key and value of a device's LocalStore, to show nothing was written. */
async function localContent(device: Parts): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const key of await device.local.keys('')) out[key] = String(await device.local.get(key))
  return out
}

describe('readPool', () => {
  it('answers undefined when there is no pool', async () => {
    const device = await parts()
    expect(await readPool(device.ctx)).toBeUndefined()
    expect(await openPool(device.ctx, undefined)).toBeUndefined()
  })

  it('returns the record with its rev', async () => {
    const cloud = new MemoryCloud()
    const creator = await joined(cloud)
    const current = await readPool((await parts(cloud)).ctx)
    expect(current?.pool).toMatchObject({
      poolId: creator.core.state.poolId,
      epoch: creator.core.state.epoch,
    })
    expect(current?.rev).toBe(cloud.files('/diary').find((f) => f.meta.path === '/diary/pool.json')?.meta.rev)
  })

  it('refuses a pool.json that is not JSON, naming the file', async () => {
    const cloud = new MemoryCloud()
    await cloud.connect().put('/diary/pool.json', new TextEncoder().encode('{"format": 1,'), 'add')
    const error = await readPool((await parts(cloud)).ctx).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CorruptBlobError)
    expect((error as Error).message).toContain('/diary/pool.json')
  })
})

describe('checkPool on an encrypted pool', () => {
  let cloud: MemoryCloud
  beforeAll(async () => {
    cloud = new MemoryCloud()
    await joined(cloud, { deviceName: 'creator' }, PASSPHRASE)
  })

  it('refuses a wrong passphrase before anything is written, here or in the pool', async () => {
    const device = await parts(cloud)
    const current = (await readPool(device.ctx))!
    const before = await localContent(device)
    const puts = cloud.stats().calls.put
    const error = await checkPool(device.ctx, current, 'wrong passphrase', true).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PassphraseError)
    expect((error as Error).message).toMatch(
      /the passphrase is wrong for this sync pool; nothing was changed/,
    )
    expect(await localContent(device)).toEqual(before)
    expect(cloud.stats().calls.put).toBe(puts)
    expect(device.ctx.cipher).toBeUndefined()
  })

  it('asks for the passphrase when none is given', async () => {
    const device = await parts(cloud)
    await expect(openPool(device.ctx, undefined)).rejects.toThrow(
      /the sync data is encrypted: enter its passphrase/,
    )
    expect(await device.local.get('m/key')).toBeUndefined()
  })

  it('keeps the key derived from the right passphrase, and needs no passphrase afterwards', async () => {
    const device = await parts(cloud)
    const current = await openPool(device.ctx, PASSPHRASE)
    expect(current?.pool.encryption).toBeDefined()
    expect(device.ctx.cipher).toBeDefined()
    expect(await device.local.get('m/key')).toBeDefined()
    expect(await openPool(device.ctx, undefined)).toEqual(current)
  })

  it('refuses a pool.json whose plain fields no longer match its sealed part', async () => {
    const device = await parts(cloud)
    const current = (await readPool(device.ctx))!
    const edited = { ...current, pool: { ...current.pool, epochAt: current.pool.epochAt + 1 } }
    const error = await checkPool(device.ctx, edited, PASSPHRASE).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CorruptBlobError)
    expect((error as Error).message).toMatch(/pool\.json was altered/)
  })
})

describe('checkPool on a plain pool', () => {
  it('refuses a pool.json older than one seen, when it moves the device to another epoch', async () => {
    const cloud = new MemoryCloud()
    const device = await joined(cloud)
    const current = (await readPool(device.ctx))!
    await checkPool(device.ctx, { ...current, pool: { ...current.pool, generation: 2 } }, undefined)
    expect(device.core.state.poolGeneration).toBe(2)
    const replayed = { ...current.pool, epoch: 'anotherepoch1', generation: 1 }
    await cloud.connect().put('/diary/pool.json', encodeRecord(replayed), { update: current.rev })
    const error = await openPool(device.ctx, undefined).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CorruptBlobError)
    expect((error as Error).message).toMatch(/generation 1, seen 2/)
  })

  it('refuses to use the device key when the pool stopped being encrypted', async () => {
    const cloud = new MemoryCloud()
    const device = await joined(cloud)
    const current = (await readPool(device.ctx))!
    device.ctx.key = { salt: 's', raw: new Uint8Array(32) }
    await expect(checkPool(device.ctx, current, undefined)).rejects.toThrow(/no longer encrypted/)
  })
})
