/**
 * Scenario 2, per-save cost: one field of one entry edited and saved on a
 * device of the full pool. Upload calls and bytes against the raw Yjs update
 * of the edit; what another device then downloads. Plus the encrypted figure
 * when the engine takes a passphrase.
 */
import { MemoryCloud, MemoryLocalStore, SyncEngine, type SyncEngineOptions } from '@y-dropbox/core'
import { FIELDS_MAP, summarizeEntry } from '../data.ts'
import { compareRow, fig, median } from '../measure.ts'
import type { Pool } from '../pool.ts'
import { type Calls, countCalls } from '../remote.ts'
import type { BenchContext, Row, ScenarioResult } from '../types.ts'

/** Medians over the saves. */
export interface PerSaveFigures {
  saves: number
  rawBytes: number
  uploadCalls: number
  uploadBytes: number
  /** Every call of the saving device's sync round. */
  roundCalls: number
  /** The other device's sync round after the save. */
  otherCalls: number
  otherDownloadBytes: number
  otherBytesDown: number
  /** Uploaded bytes of an encrypted save, or why there is none. */
  encrypted: { uploadBytes: number; rawBytes: number } | string
}

/** Sets the pain level of one entry on `engine`; returns the Yjs update the edit produced. */
export async function editPain(engine: SyncEngine, id: string): Promise<Uint8Array> {
  const doc = await engine.doc(id)
  let update: Uint8Array | undefined
  const capture = (u: Uint8Array) => {
    update = u
  }
  doc.on('update', capture)
  const map = doc.getMap(FIELDS_MAP)
  map.set('pain', ((Number(map.get('pain')) || 0) + 1) % 11)
  doc.off('update', capture)
  doc.destroy()
  if (!update) throw new Error(`per-save: editing ${id} produced no update`)
  return update
}

/** Saves `ctx.saves / 10` (at least 5) edits on the pool's joined device, each synced by the writer too. */
export async function measurePerSave(ctx: BenchContext, pool: Pool): Promise<PerSaveFigures> {
  const joined = pool.joined
  if (!joined) throw new Error('per-save needs the device joined by the bootstrap scenario')
  const saves = Math.max(5, Math.round(ctx.saves / 10))
  const entries = pool.diary.entries
  ctx.progress.phase('Per-save cost', saves + 1)
  const raw: number[] = []
  const mine: Calls[] = []
  const other: Calls[] = []
  for (let s = 0; s < saves; s++) {
    const id = entries[(s * 7919) % entries.length]!.id
    raw.push((await editPain(joined.engine, id)).length)
    await joined.engine.flush()
    mine.push((await countCalls(ctx.remote, () => joined.engine.syncNow())).calls)
    other.push((await countCalls(ctx.remote, () => pool.writer.engine.syncNow())).calls)
    const seen = await pool.writer.engine.doc(id)
    const pain = seen.getMap(FIELDS_MAP).get('pain')
    seen.destroy()
    const mineDoc = await joined.engine.doc(id)
    const expected = mineDoc.getMap(FIELDS_MAP).get('pain')
    mineDoc.destroy()
    if (pain !== expected) throw new Error(`per-save: the other device did not receive the save of ${id}`)
    ctx.progress.tick()
  }
  const encrypted = await encryptedSave()
  ctx.progress.tick()
  const m = (f: (c: Calls) => number, list: Calls[]) => median(list.map(f))
  ctx.figures.set('save.calls', m((c) => c.calls, mine) + m((c) => c.calls, other))
  ctx.figures.set('save.bytes', m((c) => c.uploadBytes, mine) + m((c) => c.downloadBytes, other))
  return {
    saves,
    rawBytes: median(raw),
    uploadCalls: m((c) => c.uploads, mine),
    uploadBytes: m((c) => c.uploadBytes, mine),
    roundCalls: m((c) => c.calls, mine),
    otherCalls: m((c) => c.calls, other),
    otherDownloadBytes: m((c) => c.downloadBytes, other),
    otherBytesDown: m((c) => c.bytesDown, other),
    encrypted,
  }
}

/**
 * One save on an engine given a passphrase, over a MemoryCloud. When the
 * engine does not encrypt (no passphrase option yet), says so.
 */
async function encryptedSave(): Promise<PerSaveFigures['encrypted']> {
  const cloud = new MemoryCloud()
  const options = {
    remote: cloud.connect(),
    local: new MemoryLocalStore(),
    root: '/enc',
    autoSync: false,
    summarize: summarizeEntry,
    onError: () => {},
    passphrase: 'correct horse battery staple',
  } as SyncEngineOptions
  const engine = await SyncEngine.open(options)
  try {
    await engine.activate()
    await editPain(engine, 'e000000')
    await engine.syncNow()
    const rawBytes = (await editPain(engine, 'e000000')).length
    await engine.syncNow()
    const logs = cloud.files('/enc/epochs').filter((f) => f.meta.path.endsWith('.ydu'))
    const last = logs.at(-1)
    if (!last) return 'no log file was written'
    const flags = last.data[6] ?? 0
    if ((flags & 2) === 0) return 'not available yet (the engine has no passphrase option)'
    return { uploadBytes: last.data.length, rawBytes }
  } finally {
    await engine.close()
  }
}

/** The per-save table. */
export function perSaveResult(f: PerSaveFigures): ScenarioResult {
  const limit = 1.1 * f.rawBytes + 100
  const rows: Row[] = [
    compareRow('upload calls per save', fig(f.uploadCalls, 'calls'), fig(1, 'calls'), 'one call', {
      text: '1 call',
      limit: 1,
    }),
    compareRow('bytes uploaded per save', fig(f.uploadBytes, 'B'), fig(f.rawBytes, 'B'), 'raw Yjs update', {
      text: '≤ 1.1× raw + 100 B',
      limit,
    }),
  ]
  if (typeof f.encrypted === 'string') {
    rows.push({
      scenario: 'bytes uploaded per save, encrypted',
      ours: f.encrypted,
      against: 'raw Yjs update',
      target: '≤ 1.1× raw + 100 B',
    })
  } else {
    rows.push(
      compareRow(
        'bytes uploaded per save, encrypted',
        fig(f.encrypted.uploadBytes, 'B'),
        fig(f.encrypted.rawBytes, 'B'),
        'raw Yjs update',
        {
          text: '≤ 1.1× raw + 100 B',
          limit: 1.1 * f.encrypted.rawBytes + 100,
        },
      ),
    )
  }
  rows.push(
    {
      scenario: 'calls of the saving sync round',
      ours: fig(f.roundCalls, 'calls'),
      against: '—',
      target: '—',
    },
    {
      scenario: "another device's sync round: calls",
      ours: fig(f.otherCalls, 'calls'),
      against: '—',
      target: '—',
    },
    {
      scenario: "another device's sync round: file bytes downloaded",
      ours: fig(f.otherDownloadBytes, 'B'),
      against: '—',
      target: '—',
    },
  )
  return {
    id: 'per-save',
    title: '2. Per-save cost',
    about:
      `One field (the pain level) of one entry edited and saved (\`flush()\`, then \`syncNow()\`) on the device that ` +
      `joined the full pool, ${f.saves} times on different entries; medians. Bytes are file content (the log ` +
      'batch), the raw figure is the Yjs update of the edit. The summary of the entry travels with the batch.',
    rows,
    notes: [],
    raw: { ...f },
  }
}
