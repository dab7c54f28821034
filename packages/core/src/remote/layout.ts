/**
 * Where things live in the pool folder:
 *
 * ```
 * <root>/pool.json
 * <root>/devices/<deviceId>.json
 * <root>/epochs/<epoch>/log/<deviceId>/<seq>.ydu
 * <root>/epochs/<epoch>/snapshots/<coverage>-<deviceId>-<rand>.json
 * <root>/epochs/<epoch>/shards/<sha256>.yds
 * ```
 * Paths are lower case, as Dropbox reports them.
 */
import { isValidId } from '../ids.ts'

/** Digits of a zero-padded sequence number, so names sort in seq order. */
const SEQ_DIGITS = 10

/** Path builders for one pool root. */
export class PoolLayout {
  /** Normalised root, lower case, leading slash, no trailing slash. */
  readonly root: string

  constructor(root: string) {
    const trimmed = root.trim().replace(/\/+$/, '').toLowerCase()
    if (!/^\/[^\\:*?"<>|]*$/.test(trimmed) || trimmed === '' || trimmed.includes('//')) {
      throw new TypeError(
        `y-dropbox: root must be an absolute folder path such as '/diary', got ${JSON.stringify(root)}`,
      )
    }
    this.root = trimmed
  }

  get pool(): string {
    return `${this.root}/pool.json`
  }
  get devicesDir(): string {
    return `${this.root}/devices/`
  }
  device(deviceId: string): string {
    return `${this.root}/devices/${deviceId}.json`
  }
  get epochsDir(): string {
    return `${this.root}/epochs/`
  }
  epochDir(epoch: string): string {
    return `${this.root}/epochs/${epoch}/`
  }
  log(epoch: string, deviceId: string, seq: number): string {
    return `${this.root}/epochs/${epoch}/log/${deviceId}/${String(seq).padStart(SEQ_DIGITS, '0')}.ydu`
  }
  shard(epoch: string, hash: string): string {
    return `${this.root}/epochs/${epoch}/shards/${hash}.yds`
  }
  /** A snapshot's manifest (the shards it names live under `shards/`). */
  manifest(epoch: string, name: string): string {
    return `${this.root}/epochs/${epoch}/snapshots/${name}.json`
  }

  /** Classifies a path found under an epoch folder; `undefined` for anything else. */
  parseEpochPath(path: string): EpochFile | undefined {
    const prefix = `${this.root}/epochs/`
    if (!path.startsWith(prefix)) return undefined
    const parts = path.slice(prefix.length).split('/')
    const epoch = parts[0]!
    if (!isValidId(epoch)) return undefined
    if (parts.length === 4 && parts[1] === 'log') {
      const match = /^(\d{1,15})\.ydu$/.exec(parts[3]!)
      if (!match || !isValidId(parts[2])) return undefined
      return { type: 'log', epoch, deviceId: parts[2]!, seq: Number(match[1]) }
    }
    if (parts.length === 3 && parts[1] === 'shards') {
      const match = /^([0-9a-f]{64})\.yds$/.exec(parts[2]!)
      return match ? { type: 'shard', epoch, hash: match[1]! } : undefined
    }
    if (parts.length === 3 && parts[1] === 'snapshots') {
      const match = /^([a-z0-9-]{1,80})\.json$/.exec(parts[2]!)
      return match ? { type: 'snapshot', epoch, name: match[1]! } : undefined
    }
    return undefined
  }
}

/** A recognised file under `epochs/`. */
export type EpochFile =
  | { type: 'log'; epoch: string; deviceId: string; seq: number }
  | { type: 'shard'; epoch: string; hash: string }
  | { type: 'snapshot'; epoch: string; name: string }
