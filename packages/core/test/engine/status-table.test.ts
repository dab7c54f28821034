/**
 * Every error class a store can throw, met by every operation of the Device
 * Sync Services screen: the status names an honest state and reason (never
 * "cannot reach" when the store answered), and the action the user needs.
 */
import { describe, expect, it } from 'vitest'
import type { BlobStore } from '../../src/blob-store.ts'
import type { SyncEngine } from '../../src/engine/sync-engine.ts'
import {
  AuthError,
  ConflictError,
  CorruptBlobError,
  NotFoundError,
  PassphraseError,
  QuotaError,
  RateLimitError,
  TransientError,
  UnsupportedVersionError,
} from '../../src/errors.ts'
import { MemoryCloud, openDevice, setField } from './helpers.ts'

/** A store that forwards to `inner` until armed, then throws `failure()` from every call. */
function armable(inner: BlobStore): BlobStore & { arm(failure: (() => Error) | undefined): void } {
  let failure: (() => Error) | undefined
  const guard =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (failure) throw failure()
      return call(...args)
    }
  return {
    arm: (f) => {
      failure = f
    },
    put: guard(inner.put.bind(inner)),
    get: guard(inner.get.bind(inner)),
    list: guard(inner.list.bind(inner)),
    delete: guard(inner.delete.bind(inner)),
  }
}

const errors: Array<[string, () => Error, { state: string; reason: string; action?: string }]> = [
  ['TransientError', () => new TransientError('connection reset'), { state: 'offline', reason: 'offline' }],
  ['RateLimitError', () => new RateLimitError(5000), { state: 'syncing', reason: 'rate-limited' }],
  [
    'AuthError',
    () => new AuthError('token revoked'),
    { state: 'error', reason: 'access-revoked', action: 'link-dropbox' },
  ],
  [
    'QuotaError',
    () => new QuotaError('insufficient space'),
    { state: 'error', reason: 'storage-full', action: 'free-space' },
  ],
  ['CorruptBlobError', () => new CorruptBlobError('bad magic', '/x'), { state: 'error', reason: 'damaged' }],
  ['ConflictError', () => new ConflictError('/x'), { state: 'error', reason: 'conflict' }],
  ['NotFoundError', () => new NotFoundError('/x'), { state: 'error', reason: 'refused' }],
  [
    'UnsupportedVersionError',
    () => new UnsupportedVersionError('blob', 9, 1),
    { state: 'error', reason: 'update-app', action: 'update-app' },
  ],
  [
    'PassphraseError',
    () => new PassphraseError('the passphrase is wrong'),
    { state: 'error', reason: 'passphrase', action: 'enter-passphrase' },
  ],
  ['a bug (TypeError)', () => new TypeError('x is not a function'), { state: 'error', reason: 'unexpected' }],
]

const operations: Array<[string, (engine: SyncEngine) => Promise<unknown>]> = [
  ['syncNow', (e) => e.syncNow()],
  ['uploadMaster', (e) => e.uploadMaster()],
  ['downloadMaster', (e) => e.downloadMaster()],
  ['compact', (e) => e.compact()],
  ['collectGarbage', (e) => e.collectGarbage()],
  ['deleteAllSyncData', (e) => e.deleteAllSyncData()],
]

describe('status after a failed operation', () => {
  for (const [opName, operation] of operations) {
    for (const [errorName, failure, expected] of errors) {
      it(`${opName} meeting ${errorName}`, async () => {
        const cloud = new MemoryCloud()
        const remote = armable(cloud.connect())
        const phone = await openDevice(cloud, 'phone', { remote })
        await phone.engine.activate()
        await setField(phone.engine, 'a', 'pain', 1)
        await phone.engine.flush()
        remote.arm(failure)
        await expect(operation(phone.engine)).rejects.toThrow()
        const status = phone.engine.status
        // deleteAllSyncData stops sync whatever happens; the reason stays honest.
        const state =
          opName === 'deleteAllSyncData' && expected.state !== 'syncing' ? status.state : expected.state
        expect(status).toMatchObject({ state, reason: expected.reason })
        expect(status.action).toBe(expected.action)
        if (expected.reason !== 'offline') expect(status.message).not.toMatch(/cannot reach/i)
        expect(status.message).toMatch(/\w{2,} \w{2,}/)
        if (expected.reason !== 'rate-limited') expect(status.detail).toBe(failure().message)
        remote.arm(undefined)
        await phone.engine.close()
      })
    }
  }

  it('a refused activation leaves sync off, with the reason and the action it needs', async () => {
    const cloud = new MemoryCloud()
    const remote = armable(cloud.connect())
    const phone = await openDevice(cloud, 'phone', { remote })
    remote.arm(() => new AuthError('not linked'))
    await expect(phone.engine.activate()).rejects.toBeInstanceOf(AuthError)
    expect(phone.engine.status).toMatchObject({
      state: 'inactive',
      reason: 'access-revoked',
      action: 'link-dropbox',
    })
  })

  it('the device that loses a simultaneous Upload Master says so: a conflict, not offline', async () => {
    const cloud = new MemoryCloud()
    const inner = cloud.connect()
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    // The phone reads pool.json, then waits before its compare-and-swap until the tablet has won.
    const gated: BlobStore = {
      get: inner.get.bind(inner),
      list: inner.list.bind(inner),
      delete: inner.delete.bind(inner),
      put: async (path, data, mode) => {
        if (path.endsWith('/pool.json') && typeof mode === 'object') await gate
        return inner.put(path, data, mode)
      },
    }
    const phone = await openDevice(cloud, 'phone', { remote: gated })
    const tablet = await openDevice(cloud, 'tablet')
    await phone.engine.activate()
    await tablet.engine.activate()
    const losing = phone.engine.uploadMaster()
    await tablet.engine.uploadMaster()
    release()
    await expect(losing).rejects.toBeInstanceOf(ConflictError)
    expect(phone.engine.status).toMatchObject({ state: 'error', reason: 'conflict' })
    expect(phone.engine.status.message).toMatch(/Another device changed the sync pool at the same moment/)
    // The next round finds the winner's master.
    await expect(phone.engine.syncNow()).rejects.toThrow(/master/)
    expect(phone.engine.status).toMatchObject({ state: 'needs-master', action: 'download-master' })
  })
})
