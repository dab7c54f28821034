/**
 * This device's durable sync state, and the only code that changes it. Each
 * change is a named transition of the device's life in a pool (enter an epoch,
 * leave the pool, download a master, advance coverage, quarantine a file…).
 * Transitions change the state in memory; the caller persists it with
 * `record()` inside the LocalStore write that goes with it (so coverage lands
 * in the same write as the updates it covers), or with `save()`. Callers hold
 * the engine's lock.
 *
 * ```mermaid
 * stateDiagram-v2
 *   [*] --> off
 *   off --> syncing: create or join (enterEpoch / resume)
 *   syncing --> off: deactivate
 *   syncing --> needsMaster: another device uploaded a master
 *   needsMaster --> catchingUp: downloadMaster (enterEpoch, catching up)
 *   syncing --> catchingUp: downloadMaster
 *   catchingUp --> syncing: a round pulled every log (finishCatchUp)
 *   syncing --> syncing: uploadMaster (enterEpoch)
 *   syncing --> stopped: the pool was deleted (stop)
 *   syncing --> off: this device deleted the pool (forgetPool)
 *   stopped --> syncing: activate
 * ```
 */
import { CorruptBlobError } from '../errors.ts'
import { randomId } from '../ids.ts'
import type { LocalStore, LocalWrite } from '../local-store.ts'
import { encodeJson, keys } from './local-state.ts'

/** Durable state of this device, as stored (JSON under `m/state`). */
export interface DeviceState {
  /**
   * The layout of what the device stores: 2 since the index is stored in
   * chunks, 3 since its buckets are stored as columns (doc-index.ts). A
   * device of an earlier format is upgraded as it loads.
   */
  format: 3
  deviceId: string
  deviceName: string
  /** Sync is switched on for this device. */
  active: boolean
  poolId?: string
  epoch?: string
  /** Next batch sequence number in the current epoch. */
  nextSeq: number
  /** For each device, the highest seq applied here (contiguously) in the current epoch. */
  coverage: Record<string, number>
  /**
   * Seqs of other devices' batches stepped over as lost in this epoch (gone
   * from the folder before this device fetched them). Coverage claims them but
   * their content is not here: this device never compacts while any remain,
   * and a snapshot that covers one brings its content.
   */
  skipped?: Record<string, number[]>
  /** A master download replaced the database and has not pulled everything yet. */
  catchingUp?: boolean
  /** Highest `pool.json` generation accepted here: an older one is a replayed file. */
  poolGeneration?: number
  /** A snapshot of the current epoch was merged here (every epoch starts from one). */
  snapshotApplied?: boolean
  /** Remote files skipped as damaged: path → rev; retried only if the rev changes. */
  quarantine: Record<string, string>
  /** A newer epoch exists; set until the user downloads the master. */
  needsMaster?: { epoch: string; by: string; at: number }
  /**
   * Why sync is off, when the user did not turn it off on this device:
   * `pool-deleted`, `pool-replaced` (deleted, and a new pool begun) or
   * `deleted-here` (this device deleted all sync data).
   */
  stoppedReason?: string
  lastSyncAt?: number
  /**
   * Entries edited in docs the app still held after a master download replaced
   * them: the edits are kept in that backup, and the status says so until the
   * backup is restored.
   */
  keptEdits?: { backup: string; ids: string[] }
  /** When devices/<id>.json was last written. */
  lastHeartbeat?: number
}

/** A read-only view of the state, as every other module sees it. */
export type DeviceStateView = Readonly<
  Omit<DeviceState, 'coverage' | 'quarantine' | 'skipped' | 'needsMaster' | 'keptEdits'> & {
    keptEdits?: Readonly<{ backup: string; ids: readonly string[] }>
    coverage: Readonly<Record<string, number>>
    quarantine: Readonly<Record<string, string>>
    skipped?: Readonly<Record<string, readonly number[]>>
    needsMaster?: Readonly<{ epoch: string; by: string; at: number }>
  }
>

/** Where an epoch starts for this device. */
export interface EpochStart {
  poolId: string
  epoch: string
  /** The epoch's starting snapshot is merged here already (this device wrote it). */
  snapshotApplied: boolean
  /** First seq to use; 1 unless this device's own earlier batches are there. */
  nextSeq?: number
  /** The database was replaced by a master that still needs its logs pulled. */
  catchingUp?: boolean
}

/** Owner of {@link DeviceState}. */
export class Device {
  #state: DeviceState
  /** The stored state is of an earlier format: the next save writes it in this one. */
  readonly upgraded: boolean

  private constructor(
    private readonly store: LocalStore,
    state: DeviceState,
    upgraded = false,
  ) {
    this.#state = state
    this.upgraded = upgraded
  }

  /** Loads the state (a new device when there is none); `deviceName` renames it. */
  static async load(store: LocalStore, deviceName?: string): Promise<Device> {
    const raw = await store.get(keys.state)
    const decoded = raw ? decodeState(raw) : undefined
    const device = new Device(store, decoded?.state ?? freshState(), decoded?.upgraded)
    if (deviceName !== undefined) device.#state.deviceName = deviceName
    if (!raw || deviceName !== undefined) await device.save()
    return device
  }

  /** The state, read only. */
  get state(): DeviceStateView {
    return this.#state
  }

  /** The LocalStore write that persists the state as it is now. */
  record(): LocalWrite {
    return [keys.state, encodeJson(this.#state)]
  }

  /** Persists the state, with `extra` writes in the same atomic write. */
  async save(extra: LocalWrite[] = []): Promise<void> {
    await this.store.write([...extra, this.record()])
  }

  // ---- the device in a pool --------------------------------------------------

  /** Syncs from the start of an epoch: coverage, quarantine and catching up start afresh. */
  enterEpoch(start: EpochStart): void {
    const state = this.#state
    // The device record names the pool's epoch: write it again there.
    this.forgetHeartbeat()
    Object.assign(state, {
      active: true,
      poolId: start.poolId,
      epoch: start.epoch,
      nextSeq: start.nextSeq ?? 1,
      coverage: {},
      quarantine: {},
      snapshotApplied: start.snapshotApplied,
    })
    delete state.skipped
    if (start.catchingUp) state.catchingUp = true
    else delete state.catchingUp
    delete state.needsMaster
    delete state.stoppedReason
  }

  /** Syncs again in the epoch it left (turned off, then activated). */
  resume(): void {
    this.#state.active = true
    delete this.#state.needsMaster
    delete this.#state.stoppedReason
  }

  /** Turn Off Sync Services: stops here, remembers the pool and epoch. */
  deactivate(): void {
    this.#state.active = false
    delete this.#state.stoppedReason
  }

  /** Stops because the pool is gone: deleted, or deleted and replaced by a new pool. */
  stop(reason: 'pool-deleted' | 'pool-replaced'): void {
    this.#state.active = false
    this.#state.stoppedReason = reason
  }

  /** This device deleted the pool: it forgets it entirely. */
  forgetPool(): void {
    const state = this.#state
    Object.assign(state, { active: false, nextSeq: 1, coverage: {}, quarantine: {}, snapshotApplied: false })
    for (const field of [
      'poolId',
      'epoch',
      'needsMaster',
      'poolGeneration',
      'catchingUp',
      'skipped',
    ] as const)
      delete state[field]
    state.stoppedReason = 'deleted-here'
  }

  /** Another device started a newer epoch: this one waits for the user to download it. */
  awaitMaster(needsMaster: { epoch: string; by: string; at: number }): void {
    this.#state.needsMaster = { ...needsMaster }
  }

  /** A round pulled every log after the master's snapshot: the database is whole again. */
  finishCatchUp(): void {
    if (this.#state.snapshotApplied) delete this.#state.catchingUp
  }

  /** Records the `pool.json` generation this device has accepted. */
  acceptGeneration(generation: number): void {
    this.#state.poolGeneration = generation
  }

  /** A sync round finished at `at`. */
  synced(at: number): void {
    this.#state.lastSyncAt = at
  }

  /** An edit to a superseded doc of entry `id` was kept in `backup`. */
  keepEdit(backup: string, id: string): void {
    const kept = this.#state.keptEdits
    if (kept?.backup === backup) {
      if (!kept.ids.includes(id)) kept.ids.push(id)
    } else this.#state.keptEdits = { backup, ids: [id] }
  }

  /** The backup holding kept edits was restored (or is gone). */
  forgetKeptEdits(backup: string): void {
    if (this.#state.keptEdits?.backup === backup) delete this.#state.keptEdits
  }

  // ---- identity --------------------------------------------------------------

  /** Renames the device; its record is written again at the next round. */
  rename(name: string): void {
    this.#state.deviceName = name
    this.forgetHeartbeat()
  }

  /**
   * Takes a fresh device id (another device uses this one). Coverage of the old
   * id falls back to what this device uploaded under it, so the other device's
   * files under that id are pulled. Returns the new id.
   */
  changeId(firstUnsent: number): string {
    const state = this.#state
    const oldId = state.deviceId
    state.coverage[oldId] = Math.min(state.coverage[oldId] ?? 0, firstUnsent - 1)
    state.deviceId = randomId()
    state.nextSeq = 1
    this.forgetHeartbeat()
    return state.deviceId
  }

  /** The seq of this device's next batch; its own coverage follows when contiguous. */
  allocateSeq(): number {
    const state = this.#state
    const seq = state.nextSeq++
    // Its own batch is part of its local state already; after a master download its
    // earlier batches are not, and pull must fetch them first.
    if ((state.coverage[state.deviceId] ?? 0) === seq - 1) state.coverage[state.deviceId] = seq
    return seq
  }

  /** `devices/<id>.json` was written at `at`. */
  heartbeat(at: number): void {
    this.#state.lastHeartbeat = at
  }

  /** The device record must be written again (new name, new key, new id). */
  forgetHeartbeat(): void {
    this.#state.lastHeartbeat = undefined
  }

  // ---- what this device has applied -----------------------------------------

  /** Batch `seq` of `deviceId` was applied (or set aside as damaged). */
  cover(deviceId: string, seq: number): void {
    const coverage = this.#state.coverage
    coverage[deviceId] = Math.max(coverage[deviceId] ?? 0, seq)
  }

  /** A snapshot with `coverage` was merged: it covers those batches, the lost ones included. */
  coverSnapshot(coverage: Readonly<Record<string, number>>): void {
    for (const [device, seq] of Object.entries(coverage)) this.cover(device, seq)
    this.#state.snapshotApplied = true
    const skipped = this.#state.skipped
    if (!skipped) return
    for (const [device, seqs] of Object.entries(skipped)) {
      const left = seqs.filter((seq) => seq > (coverage[device] ?? 0))
      if (left.length > 0) skipped[device] = left
      else delete skipped[device]
    }
    if (Object.keys(skipped).length === 0) delete this.#state.skipped
  }

  /** Batch `seq` of `deviceId` is gone from the folder: step over it, remembering it is missing here. */
  stepOver(deviceId: string, seq: number): void {
    this.cover(deviceId, seq)
    const skipped = this.#state.skipped ?? {}
    skipped[deviceId] = [...(skipped[deviceId] ?? []), seq]
    this.#state.skipped = skipped
  }

  /** A damaged file is set aside until its rev changes. */
  quarantine(path: string, rev: string): void {
    this.#state.quarantine[path] = rev
  }

  /** A file set aside is good again (or gone). */
  release(path: string): void {
    delete this.#state.quarantine[path]
  }
}

/** A new device, not in any pool. */
function freshState(): DeviceState {
  return {
    format: 3,
    deviceId: randomId(),
    deviceName: 'This device',
    active: false,
    nextSeq: 1,
    coverage: {},
    quarantine: {},
  }
}

const decoder = new TextDecoder()

/**
 * Decodes the device state, refusing anything that is not one; `upgraded`
 * when it was stored in format 1 or 2 (it reads the same; what changed is
 * the index layout, which engines of those formats would misread).
 */
export function decodeState(bytes: Uint8Array): { state: DeviceState; upgraded: boolean } {
  let json: Partial<DeviceState>
  try {
    json = JSON.parse(decoder.decode(bytes))
  } catch (error) {
    throw new CorruptBlobError('the local sync state is not valid JSON', keys.state, { cause: error })
  }
  const format = json.format as unknown
  if (typeof format === 'number' && format > 3) {
    throw new CorruptBlobError(
      `the local sync state is of format ${format}, newer than this version of y-dropbox reads (3); update the app`,
      keys.state,
    )
  }
  if (
    (format !== 1 && format !== 2 && format !== 3) ||
    typeof json.deviceId !== 'string' ||
    typeof json.nextSeq !== 'number'
  ) {
    throw new CorruptBlobError('the local sync state is not recognised', keys.state)
  }
  return {
    state: { coverage: {}, quarantine: {}, ...json, format: 3 } as DeviceState,
    upgraded: format !== 3,
  }
}
