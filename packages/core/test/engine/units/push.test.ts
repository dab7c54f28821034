/** push.ts on its own: sealing pending changes into batches, uploading them, a clone's collision. */
import { describe, expect, it } from 'vitest'
import { keys } from '../../../src/engine/local-state.ts'
import {
  loadOutbox,
  markAllPending,
  packPending,
  takeNewDeviceId,
  uploadOutbox,
} from '../../../src/engine/push.ts'
import { ConflictError, CorruptBlobError, TransientError } from '../../../src/errors.ts'
import { logAad } from '../../../src/format/aad.ts'
import { decodeBlob } from '../../../src/format/blob.ts'
import { edit, fileAt, joined, MemoryCloud, type Parts, parts, paths, withPut } from './fixture.ts'

/** The decoded log file of `device` at `seq` (under its current id). */
async function logFile(device: Parts, seq: number, deviceId = device.core.state.deviceId) {
  const { state, layout } = device.core
  const file = fileAt(device.cloud, layout.log(state.epoch!, deviceId, seq))
  if (!file) throw new Error(`no log ${seq} of ${deviceId}`)
  return decodeBlob(file, { aad: logAad(state.poolId!, state.epoch!, deviceId, seq) })
}

/** A device with batch 1 sealed, whose clone (a restored backup) uploaded another batch 1 under the same id first. */
async function cloneWroteFirst() {
  const phone = await joined()
  const old = phone.core.state.deviceId
  await edit(phone, 'a', 1)
  await packPending(phone.ctx)
  const { layout, state } = phone.core
  const clonePath = layout.log(state.epoch!, old, 1)
  await phone.cloud.connect().put(clonePath, new Uint8Array([1, 2, 3]), 'add')
  return { phone, old, clonePath }
}

describe('packPending', () => {
  it('seals every pending document into one batch under the next seq, kept in the outbox', async () => {
    const phone = await joined()
    await edit(phone, 'a', 1)
    await edit(phone, 'b', 2)
    expect(await packPending(phone.ctx)).toBe(1)
    expect(phone.core.outbox).toEqual(new Map([[1, ['a', 'b']]]))
    expect(phone.core.pendingIds.size).toBe(0)
    expect(await phone.local.keys(keys.pendingPrefix)).toEqual([])
    expect(await phone.local.keys(keys.outboxPrefix)).toEqual(['o/0000000001'])
    expect(phone.core.state.nextSeq).toBe(2)
    const sealed = await decodeBlob((await phone.local.get(keys.outbox(1)))!)
    expect(sealed).toMatchObject({ kind: 'log', seq: 1, deviceId: phone.core.state.deviceId })
    expect(sealed.entries.map((e) => e.docId)).toEqual(['a', 'b'])
    // Nothing left to seal: no empty batch, no seq used.
    expect(await packPending(phone.ctx)).toBe(0)
    expect(phone.core.state.nextSeq).toBe(2)
  })

  it('seals nothing on a device outside any pool, keeping its pending changes', async () => {
    const alone = await parts()
    await edit(alone, 'a', 1)
    expect(await packPending(alone.ctx)).toBe(0)
    expect([...alone.core.pendingIds]).toEqual(['a'])
    expect(await alone.local.keys(keys.outboxPrefix)).toEqual([])
  })
})

describe('uploadOutbox', () => {
  it('uploads the batches in seq order and empties the outbox', async () => {
    const phone = await joined()
    await edit(phone, 'a', 1)
    await packPending(phone.ctx)
    await edit(phone, 'b', 2)
    await packPending(phone.ctx)
    await uploadOutbox(phone.ctx)
    expect(paths(phone.cloud, 'epochs').filter((p) => p.endsWith('.ydu'))).toHaveLength(2)
    expect((await logFile(phone, 1)).entries.map((e) => e.docId)).toEqual(['a'])
    expect((await logFile(phone, 2)).entries.map((e) => e.docId)).toEqual(['b'])
    expect(phone.core.outbox.size).toBe(0)
    expect(await phone.local.keys(keys.outboxPrefix)).toEqual([])
  })

  it('keeps a batch whose upload failed, and sends it byte for byte under its seq at the next call', async () => {
    const phone = await joined()
    await edit(phone, 'a', 1)
    await packPending(phone.ctx)
    const sealed = (await phone.local.get(keys.outbox(1)))!
    phone.remote.setFaults({ failPaths: /\.ydu$/ })
    await expect(uploadOutbox(phone.ctx)).rejects.toBeInstanceOf(TransientError)
    expect(phone.core.outbox.get(1)).toEqual(['a'])
    expect(await phone.local.get(keys.outbox(1))).toEqual(sealed)
    // A later batch takes the next seq; the failed one keeps its own.
    await edit(phone, 'b', 2)
    await packPending(phone.ctx)
    phone.remote.setFaults({ failPaths: undefined })
    await uploadOutbox(phone.ctx)
    const { layout, state } = phone.core
    expect(fileAt(phone.cloud, layout.log(state.epoch!, state.deviceId, 1))).toEqual(sealed)
    expect((await logFile(phone, 2)).entries.map((e) => e.docId)).toEqual(['b'])
    expect(phone.core.outbox.size).toBe(0)
  })

  it('takes a new id when another device wrote under its own id, and re-seals the batch under it', async () => {
    const { phone, old, clonePath } = await cloneWroteFirst()
    await uploadOutbox(phone.ctx)
    const now = phone.core.state.deviceId
    expect(now).not.toBe(old)
    expect(fileAt(phone.cloud, clonePath)).toEqual(new Uint8Array([1, 2, 3]))
    const resealed = await logFile(phone, 1, now)
    expect(resealed).toMatchObject({ deviceId: now, seq: 1 })
    expect(resealed.entries.map((e) => e.docId)).toEqual(['a'])
    expect(phone.core.outbox.size).toBe(0)
  })

  it('sees the collision in the listing without trying the upload', async () => {
    const { phone, old } = await cloneWroteFirst()
    await phone.ctx.view.refresh()
    const puts = phone.remote.stats().calls.put
    await uploadOutbox(phone.ctx)
    // One put: the re-sealed batch under the new id.
    expect(phone.remote.stats().calls.put - puts).toBe(1)
    expect(phone.core.state.deviceId).not.toBe(old)
  })

  it('gives up after three ids that all collide, keeping the batch', async () => {
    const phone = await joined()
    await edit(phone, 'a', 1)
    await packPending(phone.ctx)
    const real = phone.ctx.remote
    const colliding = withPut(real, async (path, data, mode) => {
      if (path.endsWith('.ydu')) throw new ConflictError(path)
      return real.put(path, data, mode)
    })
    phone.ctx.remote = colliding
    const error = await uploadOutbox(phone.ctx).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConflictError)
    expect((error as Error).message).toMatch(/could not find a free device id after 3 tries/)
    expect([...phone.core.outbox.values()]).toEqual([['a']])
    expect(await phone.local.keys(keys.outboxPrefix)).toHaveLength(1)
  })
})

describe('takeNewDeviceId', () => {
  it('re-seals every unsent batch under the new id from seq 1, keeping their order', async () => {
    const phone = await joined()
    await edit(phone, 'a', 1)
    await packPending(phone.ctx)
    await edit(phone, 'b', 2)
    await packPending(phone.ctx)
    const old = phone.core.state.deviceId
    await takeNewDeviceId(phone.ctx)
    const now = phone.core.state.deviceId
    expect(now).not.toBe(old)
    expect(phone.core.outbox).toEqual(
      new Map([
        [1, ['a']],
        [2, ['b']],
      ]),
    )
    const { poolId, epoch } = phone.core.state
    const second = await decodeBlob((await phone.local.get(keys.outbox(2)))!, {
      aad: logAad(poolId!, epoch!, now, 2),
    })
    expect(second).toMatchObject({ deviceId: now, seq: 2 })
    expect(phone.core.state.nextSeq).toBe(3)
  })
})

describe('loadOutbox', () => {
  it('finds the sealed batches again after a restart', async () => {
    const cloud = new MemoryCloud()
    const phone = await joined(cloud)
    await edit(phone, 'a', 1)
    await packPending(phone.ctx)
    await edit(phone, 'b', 2)
    await edit(phone, 'c', 3)
    await packPending(phone.ctx)
    const again = await parts(cloud, { local: phone.local.reopen() })
    expect(again.core.outbox.size).toBe(0)
    await loadOutbox(again.ctx)
    expect(again.core.outbox).toEqual(
      new Map([
        [1, ['a']],
        [2, ['b', 'c']],
      ]),
    )
  })

  it('refuses a damaged batch with the key it was stored under', async () => {
    const phone = await joined()
    await edit(phone, 'a', 1)
    await packPending(phone.ctx)
    const bytes = (await phone.local.get(keys.outbox(1)))!
    bytes[bytes.length - 6]! ^= 1
    await phone.local.write([[keys.outbox(1), bytes]])
    const error = await loadOutbox(phone.ctx).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CorruptBlobError)
    expect((error as Error).message).toContain('o/0000000001')
  })
})

describe('markAllPending', () => {
  it('queues every stored document for the next push', async () => {
    const phone = await parts()
    await edit(phone, 'a', 1)
    await edit(phone, 'b', 2)
    await phone.local.write([
      [keys.pending('a'), undefined],
      [keys.pending('b'), undefined],
    ])
    phone.core.pendingIds.clear()
    await markAllPending(phone.ctx)
    expect([...phone.core.pendingIds].sort()).toEqual(['a', 'b'])
    expect(await phone.local.get(keys.pending('a'))).toEqual(await phone.local.get(keys.doc('a')))
  })
})
