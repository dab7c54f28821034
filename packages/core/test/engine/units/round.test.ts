/** round.ts on its own: one round (check, push, pull, chores) and the pool operations beside it. */
import { describe, expect, it } from 'vitest'
import { activatePool } from '../../../src/engine/lifecycle.ts'
import { readPool } from '../../../src/engine/pool-check.ts'
import { Rounds } from '../../../src/engine/round.ts'
import {
  AuthError,
  CorruptBlobError,
  NeedsMasterError,
  PoolDeletedError,
  YDropboxError,
} from '../../../src/errors.ts'
import { encodeRecord } from '../../../src/remote/records.ts'
import {
  edit,
  entry,
  joined,
  MemoryCloud,
  type Parts,
  type PartsOptions,
  parts,
  paths,
  withPut,
} from './fixture.ts'

/** A device in the pool of `cloud`, with its rounds. */
async function member(cloud: MemoryCloud, name: string, options: PartsOptions = {}) {
  const device = await joined(cloud, { deviceName: name, ...options })
  return { ...device, rounds: new Rounds(device.ctx, device.core.options, device.status) }
}

const logs = (cloud: MemoryCloud) => paths(cloud, 'epochs').filter((p) => p.endsWith('.ydu'))

/** Moves `pool.json` to another epoch, as another device's master upload does. */
async function newEpochFrom(cloud: MemoryCloud, device: Parts, epoch: string): Promise<void> {
  const current = (await readPool(device.ctx))!
  const pool = { ...current.pool, epoch, epochBy: 'laptop', epochAt: current.pool.epochAt + 1 }
  await cloud.connect().put('/diary/pool.json', encodeRecord(pool), { update: current.rev })
}

describe('Rounds.run', () => {
  it("pushes this device's changes and pulls the others', then rests", async () => {
    const cloud = new MemoryCloud()
    const phone = await member(cloud, 'phone')
    const tablet = await member(cloud, 'tablet')
    await edit(phone, 'a', 1)
    await phone.rounds.run()
    expect(logs(cloud)).toHaveLength(1)
    expect(phone.core.pendingCount).toBe(0)
    expect(phone.core.state.lastHeartbeat).toBeDefined()
    expect(phone.core.state.lastSyncAt).toBeDefined()
    await tablet.rounds.run()
    expect(await entry(tablet, 'a')).toEqual({ pain: 1 })
    expect(tablet.status.current).toMatchObject({ state: 'idle' })
    expect(tablet.rounds.moreWork).toBe(false)
  })

  it('does nothing on a device where sync is off', async () => {
    const device = await parts()
    const rounds = new Rounds(device.ctx, device.core.options, device.status)
    await rounds.run()
    expect(device.remote.stats().calls).toMatchObject({ list: 0, get: 0, put: 0 })
  })

  it('notes a failing chore only when it failed two rounds in a row, and forgets it once it passes', async () => {
    const cloud = new MemoryCloud()
    const phone = await member(cloud, 'phone')
    phone.remote.setFaults({ failPaths: /\/devices\// })
    await phone.rounds.run()
    expect(phone.errors).toEqual(['device-record failed; it is retried at the next sync'])
    expect(phone.status.current.notes ?? []).toEqual([])
    await phone.rounds.run()
    expect(phone.status.current.notes).toEqual([{ kind: 'chore-failing', chore: 'device-record' }])
    phone.remote.setFaults({ failPaths: undefined })
    await phone.rounds.run()
    expect(phone.status.current.notes ?? []).toEqual([])
    expect(paths(cloud, 'devices')).toEqual([`/diary/devices/${phone.core.state.deviceId}.json`])
    // One failure after a success is not two in a row.
    phone.core.device.forgetHeartbeat()
    phone.remote.setFaults({ failPaths: /\/devices\// })
    await phone.rounds.run()
    expect(phone.status.current.notes ?? []).toEqual([])
  })

  it('stops the round when a chore loses access', async () => {
    const cloud = new MemoryCloud()
    const phone = await member(cloud, 'phone')
    const real = phone.ctx.remote
    phone.ctx.remote = withPut(real, async (path, data, mode) => {
      if (path.includes('/devices/')) throw new AuthError('access to the folder was revoked')
      return real.put(path, data, mode)
    })
    await expect(phone.rounds.run()).rejects.toBeInstanceOf(AuthError)
    expect(phone.core.state.lastSyncAt).toBeUndefined()
  })

  it('asks for another round when another device wrote while it ran', async () => {
    const cloud = new MemoryCloud()
    const phone = await member(cloud, 'phone')
    const tablet = await member(cloud, 'tablet')
    const real = phone.ctx.remote
    phone.ctx.remote = withPut(real, async (path, data, mode) => {
      const meta = await real.put(path, data, mode)
      // The tablet pushes just after the phone's batch lands.
      if (path.endsWith('.ydu')) await tablet.rounds.run()
      return meta
    })
    await edit(tablet, 't', 1)
    await edit(phone, 'p', 1)
    await phone.rounds.run()
    expect(phone.rounds.moreWork).toBe(true)
    phone.ctx.remote = real
    await phone.rounds.run()
    expect(await entry(phone, 't')).toEqual({ pain: 1 })
    expect(phone.rounds.moreWork).toBe(false)
  })

  it('stops syncing and takes back its own files when the pool was deleted', async () => {
    const cloud = new MemoryCloud()
    const phone = await member(cloud, 'phone')
    await edit(phone, 'a', 1)
    await phone.rounds.run()
    await cloud.connect().delete(['/diary/pool.json'])
    const error = await phone.rounds.run().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PoolDeletedError)
    expect((error as PoolDeletedError).replaced).toBe(false)
    expect(phone.core.state).toMatchObject({ active: false, stoppedReason: 'pool-deleted' })
    expect(logs(cloud)).toEqual([])
    expect(paths(cloud, 'devices')).toEqual([])
  })

  it('waits for the master download when another device started a new epoch', async () => {
    const cloud = new MemoryCloud()
    const phone = await member(cloud, 'phone')
    await newEpochFrom(cloud, phone, 'newepoch1234')
    await edit(phone, 'a', 1)
    const error = await phone.rounds.run().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NeedsMasterError)
    expect(phone.core.state.needsMaster).toMatchObject({ epoch: 'newepoch1234', by: 'laptop' })
    // Nothing was pushed into the epoch the pool left.
    expect(logs(cloud)).toEqual([])
  })

  it('refuses a pool.json that names another pool in its own epoch', async () => {
    const cloud = new MemoryCloud()
    const phone = await member(cloud, 'phone')
    const current = (await readPool(phone.ctx))!
    const forged = { ...current.pool, poolId: 'forgedpool123' }
    await cloud.connect().put('/diary/pool.json', encodeRecord(forged), 'overwrite')
    const error = await phone.rounds.run().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CorruptBlobError)
    expect((error as Error).message).toMatch(/names another pool/)
    expect(phone.core.state.active).toBe(true)
  })
})

describe('Rounds.poolGone', () => {
  it('says whether the pool was replaced, and stops with that reason', async () => {
    const phone = await member(new MemoryCloud(), 'phone')
    const error = await phone.rounds.poolGone(true)
    expect(error).toBeInstanceOf(PoolDeletedError)
    expect(error.replaced).toBe(true)
    expect(error.message).toMatch(/a new sync pool was started/)
    expect(phone.core.state).toMatchObject({ active: false, stoppedReason: 'pool-replaced' })
  })
})

describe('Rounds.ensureWhole', () => {
  it('finishes a join by running a round', async () => {
    const cloud = new MemoryCloud()
    await member(cloud, 'phone')
    const tablet = await member(cloud, 'tablet')
    expect(tablet.core.state.snapshotApplied).toBe(false)
    await tablet.rounds.ensureWhole()
    expect(tablet.core.state.snapshotApplied).toBe(true)
  })

  it('refuses when the round could not make the database whole', async () => {
    const cloud = new MemoryCloud()
    const phone = await parts(cloud)
    await edit(phone, 'a', 1)
    await activatePool(phone.ctx, undefined)
    const tablet = await member(cloud, 'tablet')
    // The starting snapshot's shard is damaged: the join cannot finish.
    for (const path of paths(cloud, 'epochs').filter((p) => p.endsWith('.yds')))
      await cloud.connect().put(path, new Uint8Array([1]), 'overwrite')
    const error = await tablet.rounds.ensureWhole().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(YDropboxError)
    expect((error as Error).message).toMatch(/database is incomplete/)
  })
})

describe('Rounds.compactNow and collectGarbageNow', () => {
  it('compacts in the current epoch only', async () => {
    const cloud = new MemoryCloud()
    const phone = await member(cloud, 'phone')
    await edit(phone, 'a', 1)
    await phone.rounds.run()
    const before = paths(cloud, 'epochs').filter((p) => p.includes('/snapshots/'))
    expect(await phone.rounds.compactNow()).toBe(true)
    expect(paths(cloud, 'epochs').filter((p) => p.includes('/snapshots/'))).toHaveLength(before.length + 1)
    await newEpochFrom(cloud, phone, 'newepoch1234')
    expect(await phone.rounds.compactNow()).toBe(false)
    expect(await phone.rounds.collectGarbageNow()).toBe(0)
  })

  it('deletes the batches a snapshot older than the grace period holds, and returns how many files went', async () => {
    let clock = 1_000_000
    const cloud = new MemoryCloud()
    const phone = await member(cloud, 'phone', { now: () => clock, gcGraceMs: 3600_000 })
    await edit(phone, 'a', 1)
    await phone.rounds.run()
    await edit(phone, 'b', 2)
    await phone.rounds.run()
    await phone.rounds.compactNow()
    expect(await phone.rounds.collectGarbageNow()).toBe(0)
    clock += 3600_001
    const before = paths(cloud)
    const deleted = await phone.rounds.collectGarbageNow()
    expect(logs(cloud)).toEqual([])
    expect(before.length - paths(cloud).length).toBe(deleted)
    // The newest snapshot stays: it is what every reader takes.
    expect(paths(cloud, 'epochs').filter((p) => p.includes('/snapshots/'))).toHaveLength(1)
  })
})
