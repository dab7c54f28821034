/**
 * The pool every fuzz case starts from, built once: three devices over a
 * MemoryCloud, two epochs (so an old `pool.json`, old batches and old
 * manifests exist to replay), two snapshots in the current epoch, and a
 * victim device that is behind by a few batches which touch disjoint
 * documents (so each document ends either before or after them).
 * A case starts from copies of the devices' LocalStores and a cloud put back
 * to the baseline (see `Bench`).
 */
import {
  type BlobStore,
  MemoryCloud,
  type MemoryFile,
  MemoryLocalStore,
  SyncEngine,
  type SyncEngineOptions,
} from '@y-dropbox/core'

export const ROOT = '/pool'
const START = Date.UTC(2026, 0, 1)

/** A device's LocalStore contents. */
export type LocalCopy = Array<[string, Uint8Array]>

/** What every case starts from. */
export interface Baseline {
  /** Every file of the cloud. */
  files: MemoryFile[]
  /** Every earlier content seen at a path that holds something else now (oldest first). */
  history: Map<string, Uint8Array[]>
  /** LocalStores of the victim (behind), the other device and the creator (both up to date). */
  victim: LocalCopy
  other: LocalCopy
  creator: LocalCopy
  /** Device ids, for paths. */
  ids: { victim: string; other: string; creator: string }
  epoch: string
  /** Documents as the victim has them before syncing, and after syncing the untouched pool. */
  before: Record<string, DocJson>
  after: Record<string, DocJson>
  /** The clock the case starts at. */
  now: number
}

/** A copy of a MemoryLocalStore's contents. */
export async function copyLocal(store: MemoryLocalStore): Promise<LocalCopy> {
  const keys = await store.keys('')
  return Promise.all(keys.map(async (k) => [k, (await store.get(k))!] as [string, Uint8Array]))
}

/**
 * One cloud reused by every case of a property, put back to the baseline
 * after each case by undoing what its change log shows since the last reset
 * (much cheaper than a new cloud per case). Clients are reused too: each
 * client listens to the cloud for as long as the cloud lives.
 */
export class Bench {
  readonly cloud = new MemoryCloud({ seed: 5 })
  /** Clients for the victim, the other device, the creator and the attacker. */
  readonly clients = {
    victim: this.cloud.connect(),
    other: this.cloud.connect(),
    creator: this.cloud.connect(),
    attacker: this.cloud.connect(),
  }
  readonly #files: Map<string, Uint8Array>
  #cursor = ''

  private constructor(readonly base: Baseline) {
    this.#files = new Map(base.files.map((f) => [f.meta.path, f.data]))
  }

  /** A bench holding the baseline's files. */
  static async create(base: Baseline): Promise<Bench> {
    const bench = new Bench(base)
    for (const f of base.files) await bench.clients.attacker.put(f.meta.path, f.data, 'overwrite')
    bench.#cursor = (await bench.clients.attacker.list(ROOT)).cursor
    return bench
  }

  /** Writes (bytes) or deletes (undefined) files as a hostile party. */
  async write(writes: Array<[string, Uint8Array | undefined]>): Promise<void> {
    for (const [path, data] of writes) {
      if (data) await this.clients.attacker.put(path, data, 'overwrite')
      else await this.clients.attacker.delete([path])
    }
  }

  /** Puts every file changed since the last reset back as the baseline has it. */
  async reset(): Promise<void> {
    const { attacker } = this.clients
    const { entries } = await attacker.list(ROOT, this.#cursor)
    const paths = new Set(entries.map((e) => e.path))
    await this.write([...paths].map((p) => [p, this.#files.get(p)]))
    this.#cursor = (await attacker.list(ROOT, this.#cursor)).cursor
  }
}

/** Opens an engine the way every hostile test does: no background loop, an injected clock. */
export function openEngine(
  remote: BlobStore,
  local: MemoryLocalStore,
  now: () => number,
  extra: Partial<SyncEngineOptions> = {},
): Promise<SyncEngine> {
  return SyncEngine.open({ remote, local, root: ROOT, autoSync: false, now, onError: () => {}, ...extra })
}

/** A document as the tests compare it: its `entry` map and the deleted flag. */
export interface DocJson {
  entry: Record<string, unknown>
  deleted: boolean
}

/** Every document of an engine (each opened, read and released). */
export async function docsOf(engine: SyncEngine): Promise<Record<string, DocJson>> {
  const out: Record<string, DocJson> = {}
  for (const { id, deleted } of engine.list().sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const doc = await engine.doc(id)
    out[id] = { entry: doc.getMap('entry').toJSON(), deleted }
    doc.destroy()
  }
  return out
}

/** Sets `key` of document `id`'s entry map and flushes. */
export async function edit(engine: SyncEngine, id: string, key: string, value: unknown): Promise<void> {
  const doc = await engine.doc(id)
  doc.getMap('entry').set(key, value)
  await engine.flush()
}

/** Builds the baseline pool. */
export async function buildBaseline(): Promise<Baseline> {
  let clock = START
  const now = () => clock
  const cloud = new MemoryCloud({ seed: 3 })
  const history = new Map<string, Uint8Array[]>()
  const seen = new Map<string, Uint8Array>()
  const record = () => {
    for (const f of cloud.files()) {
      const old = seen.get(f.meta.path)
      if (old && !sameBytes(old, f.data)) history.set(f.meta.path, [...(history.get(f.meta.path) ?? []), old])
      seen.set(f.meta.path, f.data)
    }
  }
  const locals = [new MemoryLocalStore(), new MemoryLocalStore(), new MemoryLocalStore()]
  const names = ['creator', 'other', 'victim']
  const engines = await Promise.all(
    locals.map((local, i) => openEngine(cloud.connect(), local, now, { deviceName: names[i]! })),
  )
  const [creator, other, victim] = engines as [SyncEngine, SyncEngine, SyncEngine]
  const tick = () => {
    clock += 60_000
    record()
  }
  const syncAll = async () => {
    for (const e of engines) {
      await e.syncNow()
      tick()
    }
  }

  // Epoch 1: a few documents, then a new master, so old epoch files exist.
  await edit(creator, 'old', 'v', 1)
  await creator.activate()
  await other.activate()
  await victim.activate()
  await edit(other, 'old', 'w', 2)
  await syncAll()
  await creator.uploadMaster()
  tick()
  await other.downloadMaster()
  await victim.downloadMaster()
  tick()

  // Epoch 2: shared history, two snapshots, and a device record refreshed later.
  for (let i = 0; i < 4; i++) {
    await edit(engines[i % 3]!, `d${i}`, 'n', i)
    await edit(engines[(i + 1) % 3]!, `d${i}`, 'm', `x${i}`)
    await syncAll()
  }
  await creator.compact()
  tick()
  await edit(victim, 'd0', 'late', true)
  await edit(other, 'd1', 'late', true)
  await syncAll()
  await syncAll()
  await other.compact()
  tick()
  await other.setDeviceName('other device')
  clock += 11 * 60_000
  await syncAll()

  // The victim falls behind: batches touching disjoint documents.
  const before = await docsOf(victim)
  await edit(creator, 'pa1', 'v', 'a1')
  await creator.syncNow()
  tick()
  await edit(creator, 'pa2', 'v', 'a2')
  await creator.delete('d2')
  await creator.syncNow()
  tick()
  await edit(other, 'pb1', 'v', 'b1')
  await other.syncNow()
  tick()
  await creator.syncNow()
  tick()

  const baseline: Baseline = {
    files: cloud.files(),
    history,
    victim: await copyLocal(locals[2]!),
    other: await copyLocal(locals[1]!),
    creator: await copyLocal(locals[0]!),
    ids: { victim: victim.deviceId, other: other.deviceId, creator: creator.deviceId },
    epoch: victim.pool!.epoch,
    before,
    after: {},
    now: clock,
  }
  await victim.syncNow()
  baseline.after = await docsOf(victim)
  for (const e of engines) await e.close()
  return baseline
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}
