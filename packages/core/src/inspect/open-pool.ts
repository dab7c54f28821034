/**
 * Opening a pool for inspection, with nothing but a `BlobStore`: `pool.json`
 * read and checked, the pool key derived from the passphrase when the pool is
 * encrypted, and every file under the root listed once and sorted by role.
 */
import type { BlobMeta, BlobStore } from '../blob-store.ts'
import { checkParams, cipherFor, unlockEncryption } from '../crypto/passphrase.ts'
import { NotFoundError, PassphraseError } from '../errors.ts'
import { poolAad } from '../format/aad.ts'
import type { BlobCipher } from '../format/cipher.ts'
import { openSealed } from '../format/sealed.ts'
import { PoolLayout } from '../remote/layout.ts'
import { type PoolRecord, parsePool } from '../remote/records.ts'
import type { EpochFiles } from '../remote/remote-view.ts'
import { type PoolProblem, problem } from './problems.ts'

/** Where the pool is and how to open it. */
export interface OpenPoolOptions {
  /** The pool folder inside the store, e.g. `/pain-diary`. */
  root: string
  /** The pool's passphrase, when it is encrypted. */
  passphrase?: string
}

/** The files of a pool, by role. */
export interface PoolFiles {
  /** `devices/<id>.json` by device id. */
  devices: Map<string, BlobMeta>
  /** Each epoch's logs, shards and manifests. */
  epochs: Map<string, EpochFiles>
  /** Files set aside by `repairPool` under `<root>/recovered/`. */
  recovered: BlobMeta[]
  /** Anything else under the root (a conflicted copy, a stray file). */
  other: BlobMeta[]
  /** Every file, `pool.json` included. */
  all: BlobMeta[]
}

/** A pool opened for reading. */
export interface OpenedPool {
  /** The store the pool lives in. */
  store: BlobStore
  /** Paths of the pool folder. */
  layout: PoolLayout
  /** `pool.json` as read. */
  pool: PoolRecord
  /** The listing entry of `pool.json`. */
  poolMeta: BlobMeta
  /** Opens and seals blobs; undefined for a plain pool. */
  cipher?: BlobCipher
  /** Name of the device that created the pool (from the seal in an encrypted pool; empty if unknown). */
  createdBy: string
  /** Name of the device that started the current epoch. */
  epochBy: string
  /** The files of the current epoch, from one listing. */
  files: PoolFiles
  /** Found while opening (an altered `pool.json`). */
  problems: PoolProblem[]
}

/**
 * Opens the pool at `options.root`. Throws `NotFoundError` when there is no
 * `pool.json`, `CorruptBlobError` when it is damaged, and `PassphraseError`
 * when the pool is encrypted and the passphrase is missing or wrong.
 */
export async function openPool(store: BlobStore, options: OpenPoolOptions): Promise<OpenedPool> {
  const layout = new PoolLayout(options.root)
  const [got, listing] = await Promise.all([store.get(layout.pool), store.list(layout.root)])
  if (!got) {
    const others = listing.entries.length
    throw new NotFoundError(
      layout.pool,
      others > 0
        ? `${layout.pool} is missing, though ${others} other files are under ${layout.root}: the pool was deleted part way, or the file was lost`
        : `there is no sync pool at ${layout.root} (no pool.json there); check the pool folder (--root)`,
    )
  }
  const pool = parsePool(got.data, got.meta.path)
  const problems: PoolProblem[] = []
  let cipher: BlobCipher | undefined
  let createdBy = pool.createdBy
  let epochBy = pool.epochBy
  if (pool.encryption !== undefined) {
    checkParams(pool.encryption)
    if (options.passphrase === undefined) {
      throw new PassphraseError('this sync pool is encrypted: its passphrase is needed to read it')
    }
    cipher = cipherFor((await unlockEncryption(pool.encryption, options.passphrase)).raw)
    const names = await openSealed<{
      createdBy?: string
      epochBy?: string
      epochAt?: number
      generation?: number
    }>(cipher, pool.names, poolAad(pool.poolId, pool.epoch))
    if (!names || names.epochAt !== pool.epochAt || (names.generation ?? 0) !== (pool.generation ?? 0)) {
      problems.push(
        problem(
          layout.pool,
          'damaged',
          "pool.json's sealed part does not match its plain fields",
          'pool.json was altered by someone without the key: devices stop syncing to protect the data',
        ),
      )
    }
    createdBy = names?.createdBy ?? ''
    epochBy = names?.epochBy ?? ''
  }
  return {
    store,
    layout,
    pool,
    poolMeta: got.meta,
    ...(cipher ? { cipher } : {}),
    createdBy,
    epochBy,
    files: classify(layout, listing.entries),
    problems,
  }
}

/** Sorts a listing of the root by role. */
export function classify(layout: PoolLayout, entries: BlobMeta[]): PoolFiles {
  const files: PoolFiles = { devices: new Map(), epochs: new Map(), recovered: [], other: [], all: [] }
  const recovered = `${layout.root}/recovered/`
  for (const meta of entries) {
    if (meta.deleted) continue
    files.all.push(meta)
    const path = meta.path
    if (path === layout.pool) continue
    if (path.startsWith(recovered)) {
      files.recovered.push(meta)
      continue
    }
    const device = path.startsWith(layout.devicesDir)
      ? /^([a-z0-9]{8,32})\.json$/.exec(path.slice(layout.devicesDir.length))
      : null
    if (device) {
      files.devices.set(device[1]!, meta)
      continue
    }
    const file = layout.parseEpochPath(path)
    if (!file) {
      files.other.push(meta)
      continue
    }
    const epoch = epochFiles(files, file.epoch)
    if (file.type === 'log') {
      const logs = epoch.logs.get(file.deviceId) ?? new Map<number, BlobMeta>()
      epoch.logs.set(file.deviceId, logs)
      logs.set(file.seq, meta)
    } else if (file.type === 'shard') epoch.shards.set(file.hash, meta)
    else epoch.snapshots.set(file.name, meta)
  }
  return files
}

/** The files of `epoch` (created empty when none are listed). */
export function epochFiles(files: PoolFiles, epoch: string): EpochFiles {
  let found = files.epochs.get(epoch)
  if (!found) {
    found = { logs: new Map(), shards: new Map(), snapshots: new Map() }
    files.epochs.set(epoch, found)
  }
  return found
}

/** Total bytes of some files. */
export function sizeOf(metas: Iterable<BlobMeta>): number {
  let bytes = 0
  for (const meta of metas) bytes += meta.size
  return bytes
}
