/**
 * How the engine lays out its data in the LocalStore, and the device state
 * record. Everything that must survive a crash lives here:
 *
 * ```
 * m/state          DeviceState (JSON): identity, pool, epoch, next seq, coverage
 * d/<docId>        merged Yjs update of the document
 * p/<docId>        merged update of changes not yet sealed into a batch
 * o/<seq>          sealed batch waiting for upload (exact bytes to upload)
 * i/<bucket>       index bucket (JSON), see doc-index.ts
 * b/<time>         backup taken before a master download
 * ```
 */
import { CorruptBlobError } from '../errors.ts'

/** Durable state of this device. */
export interface DeviceState {
  format: 1
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
  /** Why sync stopped, when it stopped by itself. */
  stoppedReason?: string
  lastSyncAt?: number
  /** When devices/<id>.json was last written. */
  lastHeartbeat?: number
}

/** LocalStore keys. */
export const keys = {
  state: 'm/state',
  docPrefix: 'd/',
  doc: (id: string) => `d/${id}`,
  pendingPrefix: 'p/',
  pending: (id: string) => `p/${id}`,
  outboxPrefix: 'o/',
  outbox: (seq: number) => `o/${String(seq).padStart(10, '0')}`,
  indexPrefix: 'i/',
  index: (bucket: number) => `i/${bucket.toString(16).padStart(2, '0')}`,
  backupPrefix: 'b/',
  backup: (name: string) => `b/${name}`,
} as const

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Encodes a JSON value for the LocalStore. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value))
}

/** Decodes the device state, refusing anything that is not one. */
export function decodeState(bytes: Uint8Array): DeviceState {
  let json: Partial<DeviceState>
  try {
    json = JSON.parse(decoder.decode(bytes))
  } catch (error) {
    throw new CorruptBlobError('the local sync state is not valid JSON', keys.state, { cause: error })
  }
  if (json.format !== 1 || typeof json.deviceId !== 'string' || typeof json.nextSeq !== 'number') {
    throw new CorruptBlobError('the local sync state is not recognised', keys.state)
  }
  return { coverage: {}, quarantine: {}, ...json } as DeviceState
}
