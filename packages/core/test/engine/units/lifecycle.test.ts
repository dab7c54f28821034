/** lifecycle.ts on its own: creating and joining a pool, the master operations, deleting the pool. */
import { describe, expect, it } from 'vitest'
import { backupInfo, listBackups } from '../../../src/engine/backups.ts'
import { setCipher } from '../../../src/engine/encryption.ts'
import {
  activatePool,
  deletePool,
  downloadMaster,
  poolAuthors,
  poolRecord,
  removeOwnFiles,
  uploadMaster,
} from '../../../src/engine/lifecycle.ts'
import { keys } from '../../../src/engine/local-state.ts'
import { readPool } from '../../../src/engine/pool-check.ts'
import { packPending } from '../../../src/engine/push.ts'
import { ConflictError, PassphraseError, PoolDeletedError } from '../../../src/errors.ts'
import { edit, entry, joined, MemoryCloud, parts, paths, push, withPut } from './fixture.ts'

describe('activatePool', () => {
  it("creates the pool from this device's documents, the snapshot before pool.json", async () => {
    const cloud = new MemoryCloud()
    const phone = await parts(cloud)
    await edit(phone, 'a', 1)
    const order: string[] = []
    const real = phone.ctx.remote
    phone.ctx.remote = withPut(real, (path, data, mode) => {
      order.push(path.split('/').slice(-2, -1)[0]!)
      return real.put(path, data, mode)
    })
    const { outcome, current } = await activatePool(phone.ctx, undefined)
    expect(outcome).toBe('created')
    expect(order).toEqual(['shards', 'snapshots', 'diary'])
    expect(current.pool).toMatchObject({ poolId: phone.core.state.poolId, epoch: phone.core.state.epoch })
    expect(phone.core.state).toMatchObject({ active: true, snapshotApplied: true, nextSeq: 1 })
    // Its documents are in the snapshot: nothing is left to push.
    expect(phone.core.pendingIds.size).toBe(0)
    expect(await phone.local.keys(keys.pendingPrefix)).toEqual([])
  })

  it('joins an existing pool with every local document queued for upload', async () => {
    const cloud = new MemoryCloud()
    const phone = await joined(cloud)
    const tablet = await parts(cloud, { deviceName: 'tablet' })
    await edit(tablet, 'mine', 1)
    await tablet.core.lock.run(async () => {
      tablet.core.pendingIds.clear()
      await tablet.local.write([[keys.pending('mine'), undefined]])
    })
    const { outcome } = await activatePool(tablet.ctx, undefined)
    expect(outcome).toBe('joined')
    expect(tablet.core.state).toMatchObject({ poolId: phone.core.state.poolId, snapshotApplied: false })
    expect([...tablet.core.pendingIds]).toEqual(['mine'])
  })

  it('joins the pool another device created at the same moment', async () => {
    const cloud = new MemoryCloud()
    const phone = await parts(cloud)
    const tablet = await parts(cloud, { deviceName: 'tablet' })
    const real = phone.ctx.remote
    phone.ctx.remote = withPut(real, async (path, data, mode) => {
      if (path.endsWith('/pool.json') && !(await readPool(tablet.ctx)))
        await activatePool(tablet.ctx, undefined)
      return real.put(path, data, mode)
    })
    const { outcome } = await activatePool(phone.ctx, undefined)
    expect(outcome).toBe('joined')
    expect(phone.core.state.poolId).toBe(tablet.core.state.poolId)
    expect(phone.ctx.cipher).toBeUndefined()
  })

  it('refuses a passphrase for a plain pool, staying off', async () => {
    const cloud = new MemoryCloud()
    await joined(cloud)
    const tablet = await parts(cloud, { deviceName: 'tablet' })
    const error = await activatePool(tablet.ctx, 'a passphrase').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PassphraseError)
    expect((error as Error).message).toMatch(/not encrypted, so a passphrase cannot be used/)
    expect(tablet.core.state.active).toBe(false)
    expect(tablet.core.state.poolId).toBeUndefined()
  })

  it('rejoining the epoch it left keeps its sealed batches and their seqs', async () => {
    const cloud = new MemoryCloud()
    const phone = await joined(cloud)
    await edit(phone, 'a', 1)
    await packPending(phone.ctx)
    phone.core.device.deactivate()
    await activatePool(phone.ctx, undefined)
    expect(phone.core.outbox).toEqual(new Map([[1, ['a']]]))
    expect(phone.core.state.nextSeq).toBe(2)
  })
})

describe('uploadMaster', () => {
  it('moves pool.json to a new epoch started from this database', async () => {
    const cloud = new MemoryCloud()
    const phone = await joined(cloud)
    await edit(phone, 'a', 1)
    const before = (await readPool(phone.ctx))!.pool
    await uploadMaster(phone.ctx, undefined)
    const after = (await readPool(phone.ctx))!.pool
    expect(after.epoch).not.toBe(before.epoch)
    expect(after).toMatchObject({ poolId: before.poolId, generation: 1, epochBy: 'phone' })
    expect(phone.core.state).toMatchObject({ epoch: after.epoch, snapshotApplied: true, poolGeneration: 1 })
    expect(paths(cloud, `epochs/${after.epoch}/shards`)).toHaveLength(1)
  })

  it('says the pool is gone when it was deleted', async () => {
    const cloud = new MemoryCloud()
    const phone = await joined(cloud)
    await cloud.connect().delete(['/diary/pool.json'])
    const error = await uploadMaster(phone.ctx, undefined).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PoolDeletedError)
    expect((error as PoolDeletedError).replaced).toBe(false)
  })

  it('refuses when another device changed pool.json meanwhile, keeping its own epoch', async () => {
    const cloud = new MemoryCloud()
    const phone = await joined(cloud)
    const epoch = phone.core.state.epoch
    const real = phone.ctx.remote
    phone.ctx.remote = withPut(real, async (path, data, mode) => {
      if (path.endsWith('/pool.json')) await cloud.connect().put(path, data, 'overwrite')
      return real.put(path, data, mode)
    })
    const error = await uploadMaster(phone.ctx, undefined).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConflictError)
    expect((error as Error).message).toMatch(/another device changed the sync pool at the same moment/)
    expect(phone.core.state.epoch).toBe(epoch)
  })
})

describe('downloadMaster', () => {
  it("backs up this database and replaces it by the pool's", async () => {
    const cloud = new MemoryCloud()
    const phone = await joined(cloud)
    const tablet = await joined(cloud, { deviceName: 'tablet' })
    await push(tablet, 'shared', 1)
    await push(tablet, 'shared', 2)
    await uploadMaster(phone.ctx, undefined)
    await edit(tablet, 'unsent', 'only here')
    await tablet.ctx.view.refresh()
    const { backup, replaced } = await downloadMaster(tablet.ctx, undefined)
    expect(await listBackups(tablet.core)).toEqual([backup])
    expect(replaced.sort()).toEqual(['shared', 'unsent'])
    expect([...tablet.core.index.entries()].map(([id]) => id)).toEqual([])
    expect(tablet.core.state).toMatchObject({
      epoch: phone.core.state.epoch,
      catchingUp: true,
      snapshotApplied: true,
      nextSeq: 1,
    })
    expect(await tablet.local.keys(keys.pendingPrefix)).toEqual([])
  })

  it('in the same epoch, continues after its own uploaded batches and reuses the seqs of discarded ones', async () => {
    const cloud = new MemoryCloud()
    await joined(cloud)
    const tablet = await joined(cloud, { deviceName: 'tablet' })
    await push(tablet, 'a', 1)
    await push(tablet, 'b', 2)
    await edit(tablet, 'c', 3)
    await packPending(tablet.ctx)
    expect(tablet.core.outbox.has(3)).toBe(true)
    await tablet.ctx.view.refresh()
    const { backup } = await downloadMaster(tablet.ctx, undefined)
    expect(tablet.core.state.nextSeq).toBe(3)
    expect(tablet.core.outbox.size).toBe(0)
    expect(await tablet.local.keys(keys.outboxPrefix)).toEqual([])
    expect((await backupInfo(tablet.core, backup)).unsent).toEqual(['c'])
  })

  it('keeps the downloaded documents readable after the replacement', async () => {
    const cloud = new MemoryCloud()
    const phone = await joined(cloud)
    await edit(phone, 'a', 'master')
    await uploadMaster(phone.ctx, undefined)
    const tablet = await joined(cloud, { deviceName: 'tablet' })
    await downloadMaster(tablet.ctx, undefined)
    expect(await entry(tablet, 'a')).toEqual({ pain: 'master' })
  })
})

describe('deletePool and removeOwnFiles', () => {
  it('deletes pool.json first, then everything', async () => {
    const cloud = new MemoryCloud()
    const phone = await joined(cloud)
    await push(phone, 'a', 1)
    const deleted: string[][] = []
    const real = phone.ctx.remote
    phone.ctx.remote = {
      ...withPut(real, (path, data, mode) => real.put(path, data, mode)),
      delete: (list) => {
        deleted.push(list)
        return real.delete(list)
      },
    }
    await deletePool(phone.ctx)
    expect(deleted[0]).toEqual(['/diary/pool.json'])
    expect(paths(cloud)).toEqual([])
  })

  it("removes only this device's batches and record", async () => {
    const cloud = new MemoryCloud()
    const phone = await joined(cloud)
    const tablet = await joined(cloud, { deviceName: 'tablet' })
    await push(phone, 'a', 1)
    await push(tablet, 'b', 1)
    await phone.remote.put(phone.core.layout.device(phone.core.state.deviceId), new Uint8Array([1]), 'add')
    expect(await removeOwnFiles(phone.ctx)).toBe(2)
    const left = paths(cloud)
    const { deviceId } = phone.core.state
    expect(left.some((p) => p.includes(`/log/${deviceId}/`) || p.endsWith(`/${deviceId}.json`))).toBe(false)
    // The pool's starting snapshot, named after the phone that wrote it, is shared: it stays.
    expect(left.some((p) => p.includes('/snapshots/'))).toBe(true)
    expect(left.some((p) => p.includes(`/log/${tablet.core.state.deviceId}/`))).toBe(true)
  })
})

describe('poolRecord and poolAuthors', () => {
  it('seals the names in an encrypted pool and reads them back with the key only', async () => {
    const phone = await joined()
    const { pool } = (await readPool(phone.ctx))!
    expect(await poolAuthors(phone.ctx, pool)).toEqual({ createdBy: 'phone', epochBy: 'phone' })
    setCipher(phone.ctx, { salt: 'salt', raw: new Uint8Array(32).fill(3) })
    const sealed = await poolRecord(phone.ctx, { ...pool, epochBy: 'tablet' })
    expect(sealed).toMatchObject({ createdBy: '', epochBy: '' })
    expect(JSON.stringify(sealed)).not.toContain('tablet')
    expect(await poolAuthors(phone.ctx, sealed)).toEqual({ createdBy: 'phone', epochBy: 'tablet' })
    setCipher(phone.ctx, undefined)
    expect(await poolAuthors(phone.ctx, sealed)).toEqual({ createdBy: '', epochBy: 'another device' })
  })
})
