import { describe, expect, it } from 'vitest'
import { PassphraseError } from '../../src/errors.ts'
import { decodeBlob } from '../../src/format/blob.ts'
import { activePair, contents, MemoryCloud, MemoryLocalStore, openDevice, setField } from './helpers.ts'

const SECRET = 'correct horse battery staple'
const MARKER = 'oxycodone-10mg-left-knee'

/** Every remote file's bytes as text, to search for anything readable. */
function everything(cloud: MemoryCloud): string {
  return cloud
    .files('/')
    .map((f) => `${f.meta.path}\n${new TextDecoder('latin1').decode(f.data)}`)
    .join('\n')
}

describe('end-to-end encryption', () => {
  it('keeps names, document ids and content out of the remote folder', async () => {
    const cloud = new MemoryCloud()
    const phone = await openDevice(cloud, 'Alice iPhone', { passphrase: SECRET })
    await setField(phone.engine, `entry-${MARKER}`, 'notes', MARKER)
    expect(await phone.engine.activate()).toBe('created')
    expect(phone.engine.encrypted).toBe(true)
    await setField(phone.engine, 'second', 'medication', MARKER)
    await phone.engine.syncNow()
    await phone.engine.compact()
    const text = everything(cloud)
    expect(text).not.toContain(MARKER)
    expect(text).not.toContain('Alice iPhone')
    expect(text).not.toContain('medication')
    for (const f of cloud.files('/diary/epochs')) {
      if (f.meta.path.endsWith('.json')) continue
      await expect(decodeBlob(f.data)).rejects.toThrow(/encrypted, but no passphrase/)
    }
    const pool = JSON.parse(
      new TextDecoder().decode(cloud.files('/diary').find((f) => f.meta.path.endsWith('pool.json'))!.data),
    )
    expect(pool.encryption).toMatchObject({
      kdf: 'PBKDF2-SHA256',
      iterations: 600_000,
      cipher: 'AES-GCM-256',
    })
  })

  it('refuses to join without the passphrase or with a wrong one, writing nothing', async () => {
    const cloud = new MemoryCloud()
    const phone = await openDevice(cloud, 'phone', { passphrase: SECRET })
    await phone.engine.activate()
    await setField(phone.engine, 'a', 'pain', 4)
    await phone.engine.syncNow()
    const before = everything(cloud)
    const none = await openDevice(cloud, 'tablet')
    await setField(none.engine, 'local', 'pain', 1)
    await expect(none.engine.activate()).rejects.toThrow(/encrypted: enter its passphrase/)
    expect(none.engine.status.state).toBe('inactive')
    const wrong = await openDevice(cloud, 'laptop', { passphrase: 'not the passphrase' })
    await expect(wrong.engine.activate()).rejects.toBeInstanceOf(PassphraseError)
    expect(wrong.engine.status.message).toMatch(/passphrase is wrong/)
    expect(everything(cloud)).toBe(before)
    expect(none.engine.status.state).not.toBe('idle')
    // The right passphrase joins; the device never needs it again after a restart.
    await none.engine.unlock(SECRET)
    await none.engine.activate()
    await phone.engine.syncNow()
    expect(await contents(phone.engine)).toEqual({ a: { pain: 4 }, local: { pain: 1 } })
    await none.engine.close()
    const again = await openDevice(cloud, 'tablet', { local: none.local })
    await again.engine.syncNow()
    expect(await contents(again.engine)).toEqual({ a: { pain: 4 }, local: { pain: 1 } })
  })

  it('refuses a passphrase for a plain pool, and a plain pool.json once encrypted (downgrade)', async () => {
    const cloud = new MemoryCloud()
    const plain = await openDevice(cloud, 'phone')
    await plain.engine.activate()
    const withPass = await openDevice(cloud, 'tablet', { passphrase: SECRET })
    await expect(withPass.engine.activate()).rejects.toThrow(/not encrypted/)

    const cloud2 = new MemoryCloud()
    const phone = await openDevice(cloud2, 'phone', { passphrase: SECRET })
    await phone.engine.activate()
    const poolFile = cloud2.files('/diary').find((f) => f.meta.path.endsWith('pool.json'))
    const pool = JSON.parse(new TextDecoder().decode(poolFile!.data))
    delete pool.encryption
    await cloud2
      .connect()
      .put('/diary/pool.json', new TextEncoder().encode(JSON.stringify(pool)), 'overwrite')
    await setField(phone.engine, 'secret', 'notes', MARKER)
    await expect(phone.engine.syncNow()).rejects.toThrow(/no longer encrypted/)
    expect(phone.engine.status.state).toBe('error')
    expect(everything(cloud2)).not.toContain(MARKER)
  })

  it('changing the passphrase re-encrypts through a new epoch; other devices unlock, then download', async () => {
    const { phone, tablet } = await activePair({ passphrase: SECRET })
    await setField(phone.engine, 'a', 'pain', 2)
    await phone.engine.syncNow()
    const oldEpoch = phone.engine.pool!.epoch
    await phone.engine.changePassphrase('a brand new passphrase')
    expect(phone.engine.pool!.epoch).not.toBe(oldEpoch)
    await expect(tablet.engine.syncNow()).rejects.toBeInstanceOf(PassphraseError)
    expect(tablet.engine.status.message).toMatch(/passphrase was changed on another device/)
    await expect(tablet.engine.unlock(SECRET)).rejects.toThrow(/wrong/)
    await tablet.engine.unlock('a brand new passphrase')
    await expect(tablet.engine.syncNow()).rejects.toThrow(/new master database/)
    await tablet.engine.downloadMaster()
    expect(await contents(tablet.engine)).toEqual({ a: { pain: 2 } })
    expect((await tablet.engine.devices()).map((d) => d.name).sort()).toEqual(['phone', 'tablet'])
  })

  it('rejects a sealed batch moved to another path: the identity is bound to the ciphertext', async () => {
    const { cloud, phone, tablet } = await activePair({ passphrase: SECRET })
    await setField(phone.engine, 'a', 'pain', 1)
    await phone.engine.syncNow()
    await setField(phone.engine, 'b', 'pain', 2)
    await phone.engine.syncNow()
    const logs = cloud
      .files('/diary/epochs')
      .filter((f) => f.meta.path.includes(`/log/${phone.engine.deviceId}/`))
    // Replay batch 1 in place of batch 2.
    await cloud.connect().put(logs[1]!.meta.path, logs[0]!.data, 'overwrite')
    const messages: string[] = []
    tablet.engine.on('status', (s) => messages.push(s.message))
    await tablet.engine.syncNow()
    expect(messages.some((m) => m.includes('decryption failed'))).toBe(true)
    expect(await contents(tablet.engine)).toEqual({ a: { pain: 1 } })
  })

  it('a fresh device store with a passphrase shorter than 8 characters is refused with a clear error', async () => {
    const cloud = new MemoryCloud()
    const phone = await openDevice(cloud, 'phone', { passphrase: 'short', local: new MemoryLocalStore() })
    await expect(phone.engine.activate()).rejects.toThrow(/at least 8 characters/)
    expect(cloud.files('/')).toEqual([])
  })
})

describe('tampering with the JSON files of an encrypted pool', () => {
  const poolOf = (cloud: MemoryCloud) => cloud.files('/diary').find((f) => f.meta.path.endsWith('pool.json'))!

  it('refuses a pool.json moved to another epoch, and an old pool.json put back', async () => {
    const { cloud, phone, tablet } = await activePair({ passphrase: SECRET })
    const original = poolOf(cloud).data
    await phone.engine.uploadMaster()
    await tablet.engine.syncNow().catch(() => {})
    await tablet.engine.downloadMaster()
    const vandal = cloud.connect()
    // An old, genuinely sealed pool.json put back: a rollback to a superseded epoch.
    await vandal.put('/diary/pool.json', original, 'overwrite')
    await expect(tablet.engine.syncNow()).rejects.toThrow(/older than one this device has seen/)
    expect(tablet.engine.status.state).toBe('error')
    // The current one with its epoch changed by hand.
    const json = JSON.parse(new TextDecoder().decode(original))
    json.epoch = 'zzzzzzzzzz'
    json.generation = 9
    await vandal.put('/diary/pool.json', new TextEncoder().encode(JSON.stringify(json)), 'overwrite')
    await expect(phone.engine.syncNow()).rejects.toThrow(/pool.json was altered/)
  })

  it('quarantines a manifest whose coverage was inflated, and keeps every change', async () => {
    const cloud = new MemoryCloud()
    const phone = await openDevice(cloud, 'phone', { passphrase: SECRET })
    await phone.engine.activate()
    await setField(phone.engine, 'a', 'pain', 1)
    await phone.engine.syncNow()
    const [manifest] = cloud.files('/diary/epochs').filter((f) => f.meta.path.includes('/snapshots/'))
    const json = JSON.parse(new TextDecoder().decode(manifest!.data))
    delete json.sealed
    json.coverage = { [phone.engine.deviceId]: 99 }
    json.shards = [{ hash: 'a'.repeat(64), size: 10, docs: 1 }]
    const forged = manifest!.meta.path.replace(/\/[^/]+\.json$/, '/999999999999-forged.json')
    await cloud.connect().put(forged, new TextEncoder().encode(JSON.stringify(json)), 'add')
    const tablet = await openDevice(cloud, 'tablet', { passphrase: SECRET })
    const messages: string[] = []
    tablet.engine.on('status', (s) => messages.push(s.message))
    await tablet.engine.activate()
    expect(messages.some((m) => m.includes('manifest is not sealed'))).toBe(true)
    expect(await contents(tablet.engine)).toEqual({ a: { pain: 1 } })
  })
})

describe('passphrase at activation', () => {
  it('activate({ passphrase }) creates an encrypted pool and joins one', async () => {
    const cloud = new MemoryCloud()
    const phone = await openDevice(cloud, 'phone')
    const tablet = await openDevice(cloud, 'tablet')
    await setField(phone.engine, 'a', 'notes', MARKER)
    await phone.engine.activate({ passphrase: SECRET })
    expect(phone.engine.encrypted).toBe(true)
    await expect(tablet.engine.activate()).rejects.toBeInstanceOf(PassphraseError)
    await expect(tablet.engine.activate({ passphrase: 'wrong passphrase' })).rejects.toThrow(/wrong/)
    await tablet.engine.activate({ passphrase: SECRET })
    expect(await contents(tablet.engine)).toEqual({ a: { notes: MARKER } })
    expect(everything(cloud)).not.toContain(MARKER)
  })
})

describe('status and refused activations', () => {
  it('names the action the user must take, leaves sync off after a refusal, and forgets a refused passphrase', async () => {
    const cloud = new MemoryCloud()
    const phone = await openDevice(cloud, 'phone')
    await phone.engine.activate({ passphrase: SECRET })
    const tablet = await openDevice(cloud, 'tablet')
    await expect(tablet.engine.activate()).rejects.toBeInstanceOf(PassphraseError)
    expect(tablet.engine.status).toMatchObject({ state: 'inactive', action: 'enter-passphrase' })
    await expect(tablet.engine.activate({ passphrase: 'mistyped passphrase' })).rejects.toThrow(/wrong/)
    // The pool goes away; a plain activation must not reuse the refused passphrase.
    await phone.engine.deleteAllSyncData()
    await tablet.engine.activate()
    expect(tablet.engine.encrypted).toBe(false)
    await phone.engine.activate()
    await tablet.engine.uploadMaster()
    await expect(phone.engine.syncNow()).rejects.toThrow(/new master/)
    expect(phone.engine.status).toMatchObject({ state: 'needs-master', action: 'download-master' })
    await phone.engine.downloadMaster()
    expect(phone.engine.status.action).toBeUndefined()
  })
})
