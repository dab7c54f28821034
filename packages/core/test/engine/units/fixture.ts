/**
 * The parts a sync step works on, built from real stores: an `EngineCore` on
 * a `MemoryLocalStore`, a client of a `MemoryCloud`, and the `SyncContext`
 * that joins them, so each engine module can be tested on its own.
 */
import type { BlobStore } from '../../../src/blob-store.ts'
import { createContext, type SyncContext } from '../../../src/engine/context.ts'
import { EngineCore } from '../../../src/engine/core.ts'
import { activatePool } from '../../../src/engine/lifecycle.ts'
import { resolveOptions, type SyncEngineOptions } from '../../../src/engine/options.ts'
import { packPending, uploadOutbox } from '../../../src/engine/push.ts'
import { StatusReporter } from '../../../src/engine/status-reporter.ts'
import { defaultWords } from '../../../src/engine/words.ts'
import { type MemoryBlobStore, MemoryCloud } from '../../../src/stores/memory-blob-store.ts'
import { MemoryLocalStore } from '../../../src/stores/memory-local-store.ts'

/** One device's engine parts. */
export interface Parts {
  cloud: MemoryCloud
  /** This device's client of `cloud` (set faults on it). */
  remote: MemoryBlobStore
  local: MemoryLocalStore
  core: EngineCore
  ctx: SyncContext
  status: StatusReporter
  /** The `context` of every `onError` call, in order. */
  errors: string[]
}

/** Options of the parts; `local` reopens a device on its existing store. */
export type PartsOptions = Partial<Omit<SyncEngineOptions, 'remote'>> & { remote?: MemoryBlobStore }

/** A device's parts, not in any pool yet. */
export async function parts(cloud = new MemoryCloud(), options: PartsOptions = {}): Promise<Parts> {
  const remote = options.remote ?? cloud.connect()
  const local = (options.local as MemoryLocalStore | undefined) ?? new MemoryLocalStore()
  const errors: string[] = []
  const resolved = resolveOptions({
    deviceName: 'phone',
    root: '/diary',
    autoSync: false,
    onError: (_, context) => errors.push(context),
    ...options,
    remote,
    local,
  })
  const core = await EngineCore.load(local, resolved)
  const status = new StatusReporter({
    events: core.events,
    words: defaultWords,
    service: 'the test cloud',
    pending: () => core.pendingCount,
    state: () => core.state,
  })
  const ctx = createContext(core, remote, status)
  return { cloud, remote, local, core, ctx, status, errors }
}

/** A device's parts in the pool of `cloud` (created by the first), with a fresh listing. */
export async function joined(
  cloud = new MemoryCloud(),
  options: PartsOptions = {},
  passphrase?: string,
): Promise<Parts> {
  const device = await parts(cloud, options)
  await activatePool(device.ctx, passphrase)
  await device.ctx.view.refresh()
  return device
}

/** Sets `entry.pain` of document `id` to `value` and stores it. */
export async function edit(device: Parts, id: string, value: unknown): Promise<void> {
  const doc = await device.core.doc(id)
  doc.getMap('entry').set('pain', value)
  await device.core.flush()
}

/** The `entry` map of document `id` as JSON. */
export async function entry(device: Parts, id: string): Promise<unknown> {
  return (await device.core.doc(id)).getMap('entry').toJSON()
}

/** Edits `id` and pushes it as one batch; returns that batch's seq. */
export async function push(device: Parts, id: string, value: unknown): Promise<number> {
  await edit(device, id, value)
  const seq = device.core.state.nextSeq
  await packPending(device.ctx)
  await uploadOutbox(device.ctx)
  return seq
}

/** The paths of `cloud`'s files under `/diary/<under>`, sorted. */
export function paths(cloud: MemoryCloud, under = ''): string[] {
  return cloud.files(`/diary/${under}`).map((f) => f.meta.path)
}

/** `remote` with its `put` replaced by `put` (the other calls go through): to inject a failure. */
export function withPut(remote: BlobStore, put: BlobStore['put']): BlobStore {
  return {
    put,
    get: (path) => remote.get(path),
    list: (prefix, cursor) => remote.list(prefix, cursor),
    delete: (list) => remote.delete(list),
  }
}

/** The bytes of the file at `path` in `cloud`, or undefined. */
export function fileAt(cloud: MemoryCloud, path: string): Uint8Array | undefined {
  return cloud.files(path.slice(0, path.lastIndexOf('/'))).find((f) => f.meta.path === path)?.data
}

export { MemoryCloud, MemoryLocalStore }
