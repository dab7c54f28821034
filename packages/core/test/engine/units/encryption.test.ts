/**
 * encryption.ts's own functions, with a raw key (no passphrase derivation):
 * the kept key, sealed JSON fields, and the checks that need no passphrase.
 * Passphrases end to end are in ../encryption.test.ts, and through the pool
 * check in pool-check.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { ensureKey, loadKey, openJson, sealJson, setCipher, useKey } from '../../../src/engine/encryption.ts'
import { readPool } from '../../../src/engine/pool-check.ts'
import { PassphraseError } from '../../../src/errors.ts'
import { joined, parts } from './fixture.ts'

const KEY = { salt: 'c2FsdA==', raw: new Uint8Array(32).fill(9) }

describe('the kept key', () => {
  it('is stored durably, loaded back, and forgotten', async () => {
    const device = await parts()
    expect(await loadKey(device.core.store)).toBeUndefined()
    device.core.device.heartbeat(5)
    await useKey(device.ctx, KEY)
    expect(device.ctx.cipher).toBeDefined()
    // The device record was sealed with no key: it is written again.
    expect(device.core.state.lastHeartbeat).toBeUndefined()
    const again = await parts(undefined, { local: device.local.reopen() })
    expect(await loadKey(again.core.store)).toEqual(KEY)
    await useKey(device.ctx, undefined)
    expect(device.ctx.cipher).toBeUndefined()
    expect(await loadKey(again.core.store)).toBeUndefined()
  })
})

describe('sealJson and openJson', () => {
  it('open what was sealed under the same context string only', async () => {
    const device = await parts()
    setCipher(device.ctx, KEY)
    const sealed = await sealJson(device.ctx, { name: 'phone' }, 'device:p:d')
    expect(sealed).not.toContain('phone')
    expect(await openJson(device.ctx, sealed, 'device:p:d')).toEqual({ name: 'phone' })
    expect(await openJson(device.ctx, sealed, 'device:p:other')).toBeUndefined()
    const bytes = Buffer.from(sealed, 'base64')
    bytes[bytes.length - 1]! ^= 1
    expect(await openJson(device.ctx, bytes.toString('base64'), 'device:p:d')).toBeUndefined()
    expect(await openJson(device.ctx, 42, 'device:p:d')).toBeUndefined()
    setCipher(device.ctx, undefined)
    expect(await openJson(device.ctx, sealed, 'device:p:d')).toBeUndefined()
  })
})

describe('ensureKey without a passphrase', () => {
  it('says the passphrase changed when the pool asks for another key than the one kept', async () => {
    const device = await joined()
    const { pool } = (await readPool(device.ctx))!
    setCipher(device.ctx, KEY)
    const error = await ensureKey(device.ctx, { ...pool, encryption: { salt: 'b3RoZXI=' } }, undefined).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(PassphraseError)
    expect((error as Error).message).toMatch(/passphrase was changed on another device/)
    expect(device.ctx.key).toBe(KEY)
  })

  it('goes on with the kept key when the pool asks for it', async () => {
    const device = await joined()
    const { pool } = (await readPool(device.ctx))!
    setCipher(device.ctx, KEY)
    await ensureKey(device.ctx, { ...pool, encryption: { salt: KEY.salt } }, undefined)
    expect(device.ctx.key).toBe(KEY)
  })
})
