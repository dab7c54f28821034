import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { BlobMeta } from '../../src/blob-store.ts'
import {
  compactionRefusal,
  LOST_AFTER_ROUNDS,
  newestManifest,
  planGarbage,
  planLogs,
  snapshotNeeded,
} from '../../src/engine/plan.ts'
import { PoolLayout } from '../../src/remote/layout.ts'
import type { NamedManifest } from '../../src/remote/records.ts'
import type { EpochFiles } from '../../src/remote/remote-view.ts'

const layout = new PoolLayout('/p')
const EPOCH = 'epoch00001'
const A = 'aaaaaaaaaaaaaaaa'
const B = 'bbbbbbbbbbbbbbbb'
const DAY = 24 * 3600_000

function meta(path: string, size = 10): BlobMeta {
  return { path, rev: 'r1', size, contentHash: 'h' }
}

/** An epoch listing with the given seqs per device (and shards named by manifests). */
function listing(logs: Record<string, number[]>, manifests: NamedManifest[] = []): EpochFiles {
  const files: EpochFiles = { logs: new Map(), shards: new Map(), snapshots: new Map() }
  for (const [device, seqs] of Object.entries(logs))
    files.logs.set(device, new Map(seqs.map((s) => [s, meta(layout.log(EPOCH, device, s))])))
  for (const m of manifests) {
    files.snapshots.set(m.name, meta(layout.manifest(EPOCH, m.name)))
    for (const s of m.shards) files.shards.set(s.hash, meta(layout.shard(EPOCH, s.hash), s.size))
  }
  return files
}

function manifest(
  name: string,
  coverage: Record<string, number>,
  createdAt = 0,
  shard = name,
): NamedManifest {
  return {
    format: 1,
    epoch: EPOCH,
    coverage,
    shards: [{ hash: shard.padEnd(64, '0'), size: 100, docs: 1 }],
    createdBy: A,
    createdAt,
    name,
  }
}

const state = (coverage: Record<string, number>, extra: object = {}) => ({
  coverage,
  quarantine: {},
  snapshotApplied: true,
  epoch: EPOCH,
  ...extra,
})

describe('planLogs', () => {
  it('fetches each device run after its coverage, in seq order', () => {
    const plan = planLogs(listing({ [A]: [1, 2, 3], [B]: [1] }), state({ [A]: 1 }), new Map())
    expect(plan.fetch.map((f) => `${f.deviceId.slice(0, 1)}${f.seq}`)).toEqual(['a2', 'a3', 'b1'])
    expect(plan.gaps.size).toBe(0)
  })

  it('waits at a gap (listing lag), then steps over it as lost after enough rounds', () => {
    const files = listing({ [A]: [1, 3] })
    let gaps = new Map<string, number>()
    for (let round = 1; round < LOST_AFTER_ROUNDS; round++) {
      const plan = planLogs(files, state({}), gaps)
      expect(plan.fetch.map((f) => f.seq)).toEqual([1])
      expect(plan.lost).toEqual([])
      gaps = plan.gaps
    }
    const plan = planLogs(files, state({}), gaps)
    expect(plan.lost).toEqual([{ deviceId: A, seq: 2 }])
    expect(plan.fetch.map((f) => f.seq)).toEqual([1, 3])
  })

  it('takes a missing batch from a snapshot that covers it rather than waiting or losing it', () => {
    const older = manifest('000000000005-a-x', { [A]: 5 })
    const newer = manifest('000000000013-b-y', { [A]: 3, [B]: 10 })
    const plan = planLogs(listing({ [A]: [6] }), state({ [A]: 3, [B]: 10 }), new Map(), [older, newer])
    expect(plan.covering?.name).toBe(older.name)
    expect(plan.fetch).toEqual([])
  })

  it('retries a quarantined file only once its rev changes', () => {
    const files = listing({ [A]: [1] })
    const path = layout.log(EPOCH, A, 1)
    expect(planLogs(files, { coverage: { [A]: 1 }, quarantine: { [path]: 'r1' } }, new Map()).fetch).toEqual(
      [],
    )
    expect(
      planLogs(files, { coverage: { [A]: 1 }, quarantine: { [path]: 'r0' } }, new Map()).fetch.map(
        (f) => f.seq,
      ),
    ).toEqual([1])
  })
})

describe('snapshotNeeded', () => {
  const m = manifest('000000000004-a-x', { [A]: 4 })
  it('is needed before the epoch snapshot is merged, or when a covered batch is gone', () => {
    expect(snapshotNeeded({ coverage: {}, snapshotApplied: false }, m, listing({ [A]: [1, 2, 3, 4] }))).toBe(
      true,
    )
    expect(snapshotNeeded(state({ [A]: 1 }), m, listing({ [A]: [3, 4] }))).toBe(true)
    expect(snapshotNeeded(state({ [A]: 1 }), m, listing({ [A]: [2, 3, 4] }))).toBe(false)
  })
  it('is needed when it covers a batch stepped over as lost here', () => {
    const skipped = state({ [A]: 4 }, { skipped: { [A]: [2] } })
    expect(snapshotNeeded(skipped, m, listing({ [A]: [1, 3, 4] }))).toBe(true)
  })
})

describe('compactionRefusal', () => {
  it('refuses while lost batches, damage, unsent changes or unapplied batches remain', () => {
    const files = listing({ [A]: [1, 2] })
    expect(compactionRefusal(state({ [A]: 2 }), files, layout, false)).toBeUndefined()
    expect(compactionRefusal(state({ [A]: 2 }, { skipped: { [B]: [1] } }), files, layout, false)).toMatch(
      /lost/,
    )
    expect(compactionRefusal(state({ [A]: 1 }), files, layout, false)).toMatch(/not every listed batch/)
    expect(compactionRefusal(state({ [A]: 2 }), files, layout, true)).toMatch(/not uploaded/)
    expect(
      compactionRefusal(
        state({ [A]: 2 }, { quarantine: { [layout.log(EPOCH, B, 1)]: 'r' } }),
        files,
        layout,
        false,
      ),
    ).toMatch(/damaged/)
    expect(compactionRefusal(state({ [A]: 2 }, { snapshotApplied: false }), files, layout, false)).toMatch(
      /starting snapshot/,
    )
  })
})

describe('planGarbage', () => {
  const input = (manifests: NamedManifest[], logs: Record<string, number[]>, now: number) => ({
    epoch: EPOCH,
    epochAt: 0,
    epochs: new Map([[EPOCH, listing(logs, manifests)]]),
    manifests,
    now,
    graceMs: 7 * DAY,
    layout,
  })

  it('deletes batches the newest and an old-enough snapshot cover, and superseded snapshots', () => {
    const old = manifest('000000000003-a-x', { [A]: 3 }, 0)
    const newest = manifest('000000000005-a-y', { [A]: 5 }, 9 * DAY)
    const doomed = planGarbage(input([old, newest], { [A]: [1, 2, 3, 4, 5, 6] }, 10 * DAY))
    expect(doomed.filter((p) => p.includes('/log/')).map((p) => Number(p.slice(-14, -4)))).toEqual([1, 2, 3])
    expect(doomed).toContain(layout.manifest(EPOCH, old.name))
    expect(doomed).not.toContain(layout.manifest(EPOCH, newest.name))
  })

  it('keeps everything within the grace period', () => {
    const m = manifest('000000000003-a-x', { [A]: 3 }, 0)
    expect(planGarbage(input([m], { [A]: [1, 2, 3] }, DAY))).toEqual([])
  })

  it('never deletes a batch the newest snapshot (the one readers take) does not cover, whatever the manifests', () => {
    const devices = [A, B]
    const coverage = fc.record({ [A]: fc.nat(8), [B]: fc.nat(8) })
    const manifests = fc
      .array(fc.tuple(coverage, fc.nat(20)), { minLength: 1, maxLength: 5 })
      .map((list) =>
        list.map(([cov, days], i) =>
          manifest(
            `${String(Object.values(cov).reduce((a, b) => a + b, 0)).padStart(12, '0')}-m-${i}`,
            cov,
            days * DAY,
            `s${i}`,
          ),
        ),
      )
    fc.assert(
      fc.property(manifests, fc.nat(30), (ms, days) => {
        const logs = Object.fromEntries(devices.map((d) => [d, [1, 2, 3, 4, 5, 6, 7, 8, 9]]))
        const doomed = planGarbage(input(ms, logs, days * DAY))
        const newest = newestManifest(ms)!
        for (const path of doomed) {
          const file = layout.parseEpochPath(path)
          if (file?.type === 'log') expect(file.seq).toBeLessThanOrEqual(newest.coverage[file.deviceId] ?? 0)
          if (file?.type === 'snapshot') expect(file.name).not.toBe(newest.name)
          if (file?.type === 'shard') expect(newest.shards.map((s) => s.hash)).not.toContain(file.hash)
        }
      }),
    )
  })
})
