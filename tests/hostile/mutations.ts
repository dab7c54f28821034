/**
 * Hostile changes to a pool's files, generated as plain data (which file,
 * which change, where) so fast-check can shrink them and a case prints as
 * a readable record. `applyMutation` turns one into the writes to make.
 */
import { decodeBlob } from '@y-dropbox/core'
import fc from 'fast-check'
import { type Baseline, ROOT } from './fuzz-pool.ts'

/** One hostile change. File indexes are taken modulo the number of candidates. */
export type Mutation =
  | { t: 'flip'; file: number; bits: Array<[at: number, bit: number]>; fixCrc: boolean }
  | { t: 'truncate'; file: number; keep: number }
  | { t: 'extend'; file: number; bytes: Uint8Array; fixCrc: boolean }
  | { t: 'splice'; file: number; at: number; bytes: Uint8Array; fixCrc: boolean }
  | { t: 'random'; file: number; bytes: Uint8Array }
  | { t: 'swap'; file: number; other: number }
  | { t: 'replay'; file: number; source: number }
  | { t: 'copy'; file: number; to: 'victim' | 'other' | 'creator' | 'stranger'; delta: number }
  | { t: 'json'; file: number; field: number; value: number }
  | { t: 'future'; file: number; version: number }
  | { t: 'delete'; file: number }

/** Wrong-typed (or out of range) JSON values; `undefined` removes the field. */
const JSON_VALUES: unknown[] = [
  undefined,
  null,
  true,
  'x',
  '',
  -1,
  0.5,
  1e300,
  [],
  {},
  [1],
  { a: 1 },
  'Z'.repeat(300),
]

const file = fc.nat()
const bytes = fc.uint8Array({ minLength: 1, maxLength: 24 })

/** Any mutation. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    t: fc.constant('flip' as const),
    file,
    bits: fc.array(fc.tuple(fc.nat(), fc.nat(7)), { minLength: 1, maxLength: 4 }),
    fixCrc: fc.boolean(),
  }),
  fc.record({ t: fc.constant('truncate' as const), file, keep: fc.nat() }),
  fc.record({ t: fc.constant('extend' as const), file, bytes, fixCrc: fc.boolean() }),
  fc.record({ t: fc.constant('splice' as const), file, at: fc.nat(), bytes, fixCrc: fc.boolean() }),
  fc.record({ t: fc.constant('random' as const), file, bytes: fc.uint8Array({ maxLength: 300 }) }),
  fc.record({ t: fc.constant('swap' as const), file, other: fc.nat() }),
  fc.record({ t: fc.constant('replay' as const), file, source: fc.nat() }),
  fc.record({
    t: fc.constant('copy' as const),
    file,
    to: fc.constantFrom('victim' as const, 'other' as const, 'creator' as const, 'stranger' as const),
    delta: fc.integer({ min: -2, max: 3 }),
  }),
  fc.record({
    t: fc.constant('json' as const),
    file,
    field: fc.nat(),
    value: fc.nat(JSON_VALUES.length - 1),
  }),
  fc.record({ t: fc.constant('future' as const), file, version: fc.integer({ min: 2, max: 255 }) }),
  fc.record({ t: fc.constant('delete' as const), file }),
)

/** What a mutation does to the pool. */
export interface Applied {
  /** Writes to make: bytes, or undefined to delete. */
  writes: Array<[path: string, data: Uint8Array | undefined]>
  /** The paths as they were before (undefined: absent), to repair the pool afterwards. */
  undo: Array<[path: string, data: Uint8Array | undefined]>
  /** The kind of the file attacked. */
  kind: Kind
  /** Kinds of every path written or deleted. */
  touched: Set<Kind>
  /** Devices under whose log folder something was written or deleted. */
  logDevices: Set<string>
  /** Documents the original content of the attacked files names. */
  claimed: string[]
  /**
   * True when the change can pass every check without encryption (a body
   * with a recomputed checksum, JSON whose fields keep their types): the
   * engine cannot tell it from a real edit, so only crash-freedom is asserted.
   */
  forgery: boolean
}

/** What a pool file is. */
export type Kind = 'log' | 'shard' | 'manifest' | 'pool' | 'device'

/** The file kind of a pool path. */
export function kindOf(path: string): Kind {
  if (path.endsWith('/pool.json')) return 'pool'
  if (path.includes('/devices/')) return 'device'
  if (path.endsWith('.ydu')) return 'log'
  if (path.endsWith('.yds')) return 'shard'
  return 'manifest'
}

/**
 * The files worth attacking, the ones the victim reads first: the batches it
 * lacks, the current manifests, `pool.json` and device records; then all.
 */
export function targets(base: Baseline): string[] {
  const all = base.files.map((f) => f.meta.path)
  const current = `${ROOT}/epochs/${base.epoch}/`
  const hot = all.filter(
    (p) => !p.startsWith(`${ROOT}/epochs/`) || (p.startsWith(current) && !p.endsWith('.yds')),
  )
  return [...hot, ...hot, ...all]
}

/** Turns a mutation into writes against the baseline. */
export async function applyMutation(base: Baseline, m: Mutation): Promise<Applied> {
  const files = new Map(base.files.map((f) => [f.meta.path, f.data]))
  const list = targets(base)
  const json = list.filter((p) => p.endsWith('.json'))
  const path = (m.t === 'json' ? json : list)[m.file % (m.t === 'json' ? json.length : list.length)]!
  const data = files.get(path)!
  const kind = kindOf(path)
  const out: Applied = {
    writes: [],
    undo: [],
    kind,
    touched: new Set(),
    logDevices: new Set(),
    claimed: await docsNamed(data),
    forgery: false,
  }
  const put = (p: string, bytes: Uint8Array | undefined) => {
    out.writes.push([p, bytes])
    out.undo.push([p, files.get(p)])
    out.touched.add(kindOf(p))
    const device = /\/log\/([a-z0-9]+)\//.exec(p)?.[1]
    if (device) out.logDevices.add(device)
  }
  const at = (n: number) => (data.length === 0 ? 0 : n % data.length)
  switch (m.t) {
    case 'flip': {
      const copy = data.slice()
      for (const [i, bit] of m.bits) copy[at(i)]! ^= 1 << bit
      put(path, finish(copy, m.fixCrc, out, data))
      break
    }
    case 'truncate':
      put(path, data.slice(0, m.keep % Math.max(1, data.length)))
      break
    case 'extend': {
      const copy = new Uint8Array([...data, ...m.bytes])
      put(path, finish(copy, m.fixCrc, out, data))
      break
    }
    case 'splice': {
      const copy = data.slice()
      copy.set(m.bytes.subarray(0, Math.max(0, copy.length - at(m.at))), at(m.at))
      put(path, finish(copy, m.fixCrc, out, data))
      break
    }
    case 'random':
      put(path, m.bytes)
      break
    case 'swap': {
      const other = list[m.other % list.length]!
      out.claimed.push(...(await docsNamed(files.get(other)!)))
      put(path, files.get(other))
      put(other, data)
      break
    }
    case 'replay': {
      // An earlier version of this path, or another file of the same kind put in its place.
      const sources = [
        ...(base.history.get(path) ?? []),
        ...base.files.filter((f) => kindOf(f.meta.path) === kind && f.meta.path !== path).map((f) => f.data),
      ]
      if (sources.length > 0) put(path, sources[m.source % sources.length])
      break
    }
    case 'copy': {
      const logs = base.files.filter((f) => f.meta.path.includes(`/epochs/${base.epoch}/log/`))
      const source = logs[m.file % logs.length]!
      out.kind = 'log'
      out.claimed = await docsNamed(source.data)
      const device = m.to === 'stranger' ? 'strangerdevice01' : base.ids[m.to]
      const dir = `${ROOT}/epochs/${base.epoch}/log/${device}/`
      const seqs = logs.filter((f) => f.meta.path.startsWith(dir)).map((f) => seqOf(f.meta.path))
      const seq = Math.max(1, Math.max(0, ...seqs) + m.delta)
      put(`${dir}${String(seq).padStart(10, '0')}.ydu`, source.data)
      break
    }
    case 'json': {
      const record = parseJson(data)
      if (record === undefined) break
      const fields = fieldPaths(record)
      setField(record, fields[m.field % fields.length]!, JSON_VALUES[m.value])
      put(path, new TextEncoder().encode(JSON.stringify(record)))
      break
    }
    case 'future': {
      const record = parseJson(data)
      if (record !== undefined) {
        record.format = m.version
        put(path, new TextEncoder().encode(JSON.stringify(record)))
      } else {
        const copy = data.slice()
        copy[4] = m.version
        put(path, withCrc(copy))
      }
      break
    }
    case 'delete':
      // Deleting pool.json is how a pool is deleted on purpose: tested in conditions.test.ts.
      if (kind !== 'pool') put(path, undefined)
      break
  }
  if (m.t !== 'swap' && m.t !== 'replay' && m.t !== 'copy' && m.t !== 'future') {
    // JSON that still parses with every field of its original type may carry forged values.
    const before = parseJson(data)
    const after = out.writes[0]?.[1] && parseJson(out.writes[0][1])
    if (before && after && shape(readable(after, before)) === shape(before)) out.forgery = true
  }
  return out
}

/** Recomputes the blob checksum when asked; flags the result as a possible forgery. */
function finish(bytes: Uint8Array, fixCrc: boolean, out: Applied, original: Uint8Array): Uint8Array {
  const json = parseJson(original)
  if (json !== undefined) return bytes
  if (!fixCrc || bytes.length < 11) return bytes
  if (out.kind === 'log') out.forgery = true
  return withCrc(bytes)
}

/** The blob with its trailing CRC-32 recomputed over everything before it. */
export function withCrc(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice()
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)))
  return out
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff
  for (const b of bytes) {
    crc ^= b
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1
  }
  return (crc ^ 0xffffffff) >>> 0
}

async function docsNamed(bytes: Uint8Array): Promise<string[]> {
  try {
    return (await decodeBlob(bytes)).entries.map((e) => e.docId)
  } catch {
    return []
  }
}

function seqOf(path: string): number {
  return Number(/(\d+)\.ydu$/.exec(path)?.[1] ?? 0)
}

type Json = Record<string, unknown>

function parseJson(bytes: Uint8Array): Json | undefined {
  try {
    const value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined
  } catch {
    return undefined
  }
}

/** Every field path of a JSON value, e.g. `['coverage', 'abc']`, `['shards', '0', 'hash']`. */
function fieldPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return []
  const out: string[][] = []
  for (const [key, child] of Object.entries(value)) {
    out.push([...prefix, key], ...fieldPaths(child, [...prefix, key]))
  }
  return out
}

function setField(json: Json, path: string[], value: unknown): void {
  let node = json as Record<string, unknown>
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>
  const last = path[path.length - 1]!
  if (value === undefined) delete node[last]
  else node[last] = value
}

/** The type of every field, to tell a forged value from a wrong-typed one. */
/**
 * Fields a reader may do without (DESIGN.md, remote formats): a file that
 * lost one of them, or gained a field it does not know, still reads as a
 * valid file with possibly forged values.
 */
const OPTIONAL_FIELDS = new Set(['encryption', 'generation', 'active'])

/** `after` as a reader sees it next to `before`: unknown fields ignored, missing optional ones as they were. */
function readable(after: Json, before: Json): Json {
  const out: Json = {}
  for (const [key, value] of Object.entries(before)) {
    if (key in after) out[key] = after[key]
    else if (OPTIONAL_FIELDS.has(key)) out[key] = value
  }
  return out
}

function shape(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(shape).join(',')}]`
  if (typeof value === 'object' && value !== null)
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}:${shape(v)}`)
      .join(',')}}`
  return typeof value
}
