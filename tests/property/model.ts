/**
 * Many devices over one MemoryCloud with faults: random interleavings of
 * edits, syncs, compaction, GC, crashes, offline periods, master resets,
 * turning sync off and on, Delete All followed by a new pool, a second
 * engine on a device's store (always refused) and housekeeping-only
 * failures. After healing, every device must show the same documents within
 * three rounds of `syncNow()` on every device, and every edit flushed before
 * a crash must be present unless a master reset replaced it.
 */
import {
  type BlobStore,
  type MemoryBlobStore,
  MemoryCloud,
  MemoryLocalStore,
  NeedsMasterError,
  PoolDeletedError,
  StoreInUseError,
  SyncEngine,
} from '@y-dropbox/core'
import fc from 'fast-check'
import { expect } from 'vitest'

const DOCS = ['a', 'b', 'c', 'd']
const DAY = 24 * 3600 * 1000

export type Command =
  | { t: 'set'; dev: number; doc: number }
  | { t: 'text'; dev: number; doc: number; pos: number; del: number; ins: string }
  | { t: 'delete'; dev: number; doc: number }
  | { t: 'flush'; dev: number }
  | { t: 'sync'; dev: number }
  | { t: 'compact'; dev: number }
  | { t: 'gc'; dev: number; days: number }
  | { t: 'crash'; dev: number }
  | { t: 'offline'; dev: number; on: boolean }
  | { t: 'faults'; dev: number; on: boolean }
  | { t: 'uploadMaster'; dev: number }
  | { t: 'downloadMaster'; dev: number }
  | { t: 'deactivate'; dev: number }
  | { t: 'activate'; dev: number }
  | { t: 'deleteAll'; dev: number }
  | { t: 'secondEngine'; dev: number }
  | { t: 'choreFaults'; dev: number; on: boolean }

export const command = (devices: number): fc.Arbitrary<Command> => {
  const dev = fc.integer({ min: 0, max: devices - 1 })
  const doc = fc.integer({ min: 0, max: DOCS.length - 1 })
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ t: fc.constant('set' as const), dev, doc }) },
    {
      weight: 3,
      arbitrary: fc.record({
        t: fc.constant('text' as const),
        dev,
        doc,
        pos: fc.nat(20),
        del: fc.nat(3),
        ins: fc.string({ maxLength: 4 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('delete' as const), dev, doc }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('flush' as const), dev }) },
    { weight: 6, arbitrary: fc.record({ t: fc.constant('sync' as const), dev }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('compact' as const), dev }) },
    {
      weight: 1,
      arbitrary: fc.record({ t: fc.constant('gc' as const), dev, days: fc.integer({ min: 0, max: 40 }) }),
    },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('crash' as const), dev }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('offline' as const), dev, on: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('faults' as const), dev, on: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('uploadMaster' as const), dev }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('downloadMaster' as const), dev }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('deactivate' as const), dev }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('activate' as const), dev }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('deleteAll' as const), dev }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('secondEngine' as const), dev }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('choreFaults' as const), dev, on: fc.boolean() }) },
  )
}

interface Device {
  local: MemoryLocalStore
  remote: BlobStore
  engine: SyncEngine
}

/** Where the simulated devices' remote lives: one MemoryCloud, or one Dropbox emulator. */
export interface ModelEnv {
  /** The remote of device `i`. */
  connect(i: number): Promise<BlobStore>
  /** Cuts device `i` off the network, or reconnects it. */
  setOffline(i: number, on: boolean): Promise<void>
  /** Turns transient faults (failures, lost responses, rate limits, lag) on or off for device `i`. */
  setFaults(i: number, on: boolean): Promise<void>
  /** Makes only housekeeping fail for device `i` (device records, snapshots); optional. */
  setChoreFaults?(i: number, on: boolean): Promise<void>
  /** Every path under the pool root, for debugging output. */
  paths(): Promise<string[]>
  close(): Promise<void>
}

/** The default environment: a seeded MemoryCloud with its own fault model. */
export function memoryEnv(seed: number): ModelEnv {
  const cloud = new MemoryCloud({ seed })
  const clients: MemoryBlobStore[] = []
  return {
    async connect(i) {
      clients[i] = cloud.connect({ seed: seed * 31 + i, watchTimeoutMs: 10 })
      return clients[i]
    },
    async setOffline(i, on) {
      clients[i]!.setFaults({ offline: on })
    },
    async setFaults(i, on) {
      clients[i]!.setFaults(
        on
          ? {
              failureRate: 0.15,
              failAfterWriteRate: 0.1,
              rateLimitRate: 0.05,
              retryAfterMs: 1,
              listLag: 2,
              duplicateRate: 0.2,
            }
          : { failureRate: 0, failAfterWriteRate: 0, rateLimitRate: 0, listLag: 0, duplicateRate: 0 },
      )
    },
    async setChoreFaults(i, on) {
      clients[i]!.setFaults({ failPaths: on ? /\/(devices|snapshots|shards)\// : undefined })
    },
    async paths() {
      return cloud.files('/pool').map((f) => f.meta.path)
    },
    async close() {},
  }
}

/**
 * An edit the model tracks: key `key` set in `doc` on `dev`. It must survive
 * when it was flushed (or pushed) in the epoch that is final at the end;
 * unflushed edits may die in a crash, unpushed ones in a master download.
 */
interface Edit {
  dev: number
  doc: string
  key: string
  epoch: string | undefined
  flushed: boolean
  pushed: boolean
}

/** What the runs exercised, printed at the end so a green run shows it did something. */
export const tally: Record<string, number> = {}
const count = (what: string) => {
  tally[what] = (tally[what] ?? 0) + 1
}

export async function run(
  seed: number,
  devices: number,
  commands: Command[],
  env: ModelEnv = memoryEnv(seed),
): Promise<void> {
  count('runs')
  let clock = Date.UTC(2026, 0, 1)
  const now = () => clock
  const open = async (local: MemoryLocalStore, remote: BlobStore, name: string) =>
    SyncEngine.open({
      remote,
      local,
      deviceName: name,
      root: '/pool',
      autoSync: false,
      now,
      onError: () => {},
    })
  const devs: Device[] = []
  for (let i = 0; i < devices; i++) {
    const local = new MemoryLocalStore()
    const remote = await env.connect(i)
    devs.push({ local, remote, engine: await open(local, remote, `device-${i}`) })
  }
  await devs[0]!.engine.activate()
  for (const d of devs.slice(1)) await d.engine.activate()

  const edits: Edit[] = []
  let counter = 0
  const succeeds = async (p: Promise<unknown>, what = 'op') => {
    try {
      await p
      count(`${what} ok`)
      return true
    } catch {
      count(`${what} failed`)
      return false
    }
  }
  const mark = (dev: number, flags: Partial<Edit>) => {
    for (const e of edits) {
      if (e.dev !== dev) continue
      if (flags.flushed && !e.flushed) e.epoch = devs[dev]!.engine.pool?.epoch
      Object.assign(e, flags)
    }
  }
  /** Every edit present in `d`'s database now lives in its current epoch (it was pushed whole). */
  const carried = async (d: Device) => {
    const listed = new Set(d.engine.list().map((x) => x.id))
    for (const e of edits) {
      if (!listed.has(e.doc) || !(await d.engine.doc(e.doc)).getMap('entry').has(e.key)) continue
      Object.assign(e, { flushed: true, pushed: true, epoch: d.engine.pool?.epoch })
    }
  }
  /** Activate: joining another epoch or creating a pool pushes the whole local database there. */
  const activate = async (d: Device) => {
    const before = d.engine.pool?.epoch
    if ((await succeeds(d.engine.activate(), 'activate')) && d.engine.pool?.epoch !== before) await carried(d)
  }
  const debug = async (label: string) => {
    if (!process.env.MODEL_DEBUG) return
    console.log(`--- ${label}`)
    for (const [i, dv] of devs.entries()) {
      const st = await dv.local.get('m/state')
      console.log(
        i,
        st ? new TextDecoder().decode(st) : '-',
        dv.engine.status.state,
        dv.engine.status.message,
      )
    }
    console.log((await env.paths()).join(' '))
  }
  for (const c of commands) {
    await debug(JSON.stringify(c))
    const d = devs[c.dev]!
    clock += 1000
    switch (c.t) {
      case 'set': {
        const key = `k${counter++}`
        const doc = await d.engine.doc(DOCS[c.doc]!)
        doc.getMap('entry').set(key, counter)
        edits.push({ dev: c.dev, doc: DOCS[c.doc]!, key, epoch: undefined, flushed: false, pushed: false })
        break
      }
      case 'text': {
        const text = (await d.engine.doc(DOCS[c.doc]!)).getText('notes')
        const pos = Math.min(c.pos, text.length)
        text.delete(pos, Math.min(c.del, text.length - pos))
        text.insert(pos, c.ins)
        break
      }
      case 'delete':
        await d.engine.delete(DOCS[c.doc]!)
        break
      case 'flush':
        await d.engine.flush()
        mark(c.dev, { flushed: true })
        break
      case 'sync':
        if (await succeeds(d.engine.syncNow(), 'sync')) mark(c.dev, { flushed: true, pushed: true })
        break
      case 'compact':
        if (await d.engine.compact().catch(() => false)) count('compactions')
        break
      case 'gc':
        clock += c.days * DAY
        tally['files deleted by gc'] =
          (tally['files deleted by gc'] ?? 0) + (await d.engine.collectGarbage().catch(() => 0))
        break
      case 'crash': {
        // Drop the engine without close(): unflushed edits of this device may be lost.
        for (let i = edits.length - 1; i >= 0; i--)
          if (edits[i]!.dev === c.dev && !edits[i]!.flushed) edits.splice(i, 1)
        // A dead process writes nothing more: close the old handle, reopen the same data.
        await d.local.close()
        d.local = d.local.reopen()
        d.engine = await open(d.local, d.remote, `device-${c.dev}`)
        count('crashes')
        break
      }
      case 'offline':
        await env.setOffline(c.dev, c.on)
        break
      case 'faults':
        await env.setFaults(c.dev, c.on)
        break
      case 'uploadMaster':
        // The master is this device's database: every edit it holds lives on in the new epoch.
        if (await succeeds(d.engine.uploadMaster(), 'uploadMaster')) await carried(d)
        break
      case 'deactivate':
        await d.engine.deactivate()
        count('deactivations')
        break
      case 'activate':
        await activate(d)
        break
      case 'deleteAll':
        // Delete All, then Activate on the same device: a new pool from its database.
        if (await succeeds(d.engine.deleteAllSyncData(), 'deleteAll')) await activate(d)
        break
      case 'secondEngine': {
        // Another tab of the same profile: refused while this engine holds the store.
        const second = SyncEngine.open({
          remote: d.remote,
          local: d.local,
          root: '/pool',
          now,
          onError: () => {},
        })
        await expect(second).rejects.toBeInstanceOf(StoreInUseError)
        count('second engines refused')
        break
      }
      case 'choreFaults':
        await env.setChoreFaults?.(c.dev, c.on)
        break
      case 'downloadMaster':
        // Unsent changes are discarded by design (kept in a local backup).
        await succeeds(d.engine.downloadMaster(), 'downloadMaster')
        for (let i = edits.length - 1; i >= 0; i--)
          if (edits[i]!.dev === c.dev && !edits[i]!.pushed) edits.splice(i, 1)
        break
    }
  }

  await debug('heal')
  // Heal: no faults, every device online, every pending change flushed and pushed.
  for (const [i, d] of devs.entries()) {
    await env.setOffline(i, false)
    await env.setFaults(i, false)
    await env.setChoreFaults?.(i, false)
    await d.engine.flush()
    mark(i, { flushed: true })
  }
  // Every device converges within three rounds of syncNow() on every device, counting the
  // user's one answer to what its status asks (download the master, activate again).
  for (let round = 0; round < 3; round++) {
    for (const d of devs) {
      if (d.engine.status.state === 'inactive') await activate(d)
      try {
        await d.engine.syncNow()
      } catch (error) {
        if (error instanceof NeedsMasterError) await d.engine.downloadMaster()
        else if (error instanceof PoolDeletedError) await activate(d)
        else throw error
      }
    }
  }

  const finalEpoch = devs[0]!.engine.pool?.epoch
  const views = []
  for (const d of devs) {
    expect(d.engine.pool?.epoch).toBe(finalEpoch)
    expect(d.engine.status.pending).toBe(0)
    const docs: Record<string, unknown> = {}
    for (const { id } of d.engine.list()) {
      const doc = await d.engine.doc(id)
      docs[id] = { entry: doc.getMap('entry').toJSON(), notes: doc.getText('notes').toString() }
    }
    const list = d.engine
      .list()
      .map(({ id, deleted }) => ({ id, deleted }))
      .sort((a, b) => a.id.localeCompare(b.id))
    views.push({ docs, list })
  }
  for (const v of views.slice(1)) expect(v).toEqual(views[0])
  for (const e of edits) {
    if (!e.flushed || e.epoch !== finalEpoch) continue
    count('edits checked')
    const entry = (views[0]!.docs[e.doc] as { entry: Record<string, unknown> } | undefined)?.entry
    expect(entry?.[e.key], `edit ${e.key} on device ${e.dev} in ${e.doc}`).toBeDefined()
  }
  for (const d of devs) await d.engine.close()
}
