/**
 * Peer 6a, the original product's approach: the whole database is one file,
 * uploaded on every save and downloaded by each other device (which notices
 * the change with a listing). Calls and bytes per save, over the emulator, at
 * 1,000 and 10,000 entries, against ours (scenario 2).
 */
import type { DiaryEntry } from '../data.ts'
import { compareRow, fig, median } from '../measure.ts'
import { type Calls, countCalls, openStore } from '../remote.ts'
import type { BenchContext, Row, ScenarioResult } from '../types.ts'

/** Saves measured per size. */
const SAVES = 3

/** Per-save figures at one diary size. */
export interface WholeFileFigures {
  entries: number
  fileBytes: number
  calls: number
  bytes: number
}

/** The diary as one database file (JSON of every entry). */
export function databaseFile(entries: DiaryEntry[], edited?: { index: number; pain: number }): Uint8Array {
  const rows = entries.map((e, i) => ({
    id: e.id,
    ...e.fields,
    ...(edited?.index === i ? { pain: edited.pain } : {}),
    notes: e.notes,
  }))
  return new TextEncoder().encode(JSON.stringify(rows))
}

/** The sizes this peer is measured at: 1,000 and 10,000 up to the run's size (the run's size at least). */
export function wholeFileSizes(size: number): number[] {
  const sizes = [1000, 10_000].filter((n) => n <= size)
  return sizes.includes(size) ? sizes : [...sizes, size]
}

/** Measures SAVES saves at each size: A uploads the file, B lists and downloads it. */
export async function measureWholeFile(ctx: BenchContext): Promise<WholeFileFigures[]> {
  const sizes = wholeFileSizes(ctx.size)
  ctx.progress.phase('Peer: whole database as one file', sizes.length * SAVES)
  const a = await openStore(ctx.remote)
  const b = await openStore(ctx.remote)
  const out: WholeFileFigures[] = []
  for (const n of sizes) {
    const dir = `/bench-whole-file-${n}`
    const path = `${dir}/diary.db`
    const entries = ctx.diary(n).entries
    await a.put(path, databaseFile(entries), 'overwrite')
    let { cursor } = await b.list(dir)
    const saves: Calls[] = []
    let fileBytes = 0
    for (let s = 0; s < SAVES; s++) {
      const file = databaseFile(entries, { index: s, pain: (s + 5) % 11 })
      fileBytes = file.length
      const { calls } = await countCalls(ctx.remote, async () => {
        await a.put(path, file, 'overwrite')
        const changes = await b.list(dir, cursor)
        cursor = changes.cursor
        for (const meta of changes.entries) {
          const got = await b.get(meta.path)
          if (got?.data.length !== file.length)
            throw new Error('whole-file peer: B did not get the new database')
        }
      })
      saves.push(calls)
      ctx.progress.tick()
    }
    out.push({
      entries: n,
      fileBytes,
      calls: median(saves.map((c) => c.calls)),
      bytes: median(saves.map((c) => c.uploadBytes + c.downloadBytes)),
    })
  }
  return out
}

/** The table of this peer. */
export function wholeFileResult(ctx: BenchContext, runs: WholeFileFigures[]): ScenarioResult {
  const oursCalls = ctx.figures.get('save.calls')
  const oursBytes = ctx.figures.get('save.bytes')
  const rows: Row[] = []
  for (const r of runs) {
    const n = r.entries.toLocaleString('en')
    const against = `whole database file (${r.fileBytes.toLocaleString('en')} B)`
    if (oursBytes !== undefined && oursCalls !== undefined) {
      rows.push(
        compareRow(`${n} entries: bytes moved per save`, fig(oursBytes, 'B'), fig(r.bytes, 'B'), against, {
          text: 'ours < peer',
          maxRatio: 1,
        }),
        compareRow(
          `${n} entries: calls per save`,
          fig(oursCalls, 'calls'),
          fig(r.calls, 'calls'),
          against,
          undefined,
        ),
      )
    } else {
      rows.push({
        scenario: `${n} entries: bytes moved per save`,
        ours: 'not measured in this run',
        baseline: fig(r.bytes, 'B'),
        against,
        target: '—',
      })
    }
  }
  return {
    id: 'peer-whole-file',
    title: "6a. Peer: the original product's whole-database file",
    about:
      'The whole diary as one file (JSON of every entry), overwritten on every save; another device notices it ' +
      `with a cursor listing and downloads it. Bytes are upload plus one other device's download, calls are both ` +
      `devices' calls, median of ${SAVES} saves. Ours: scenario 2 (the saving device's sync round plus one other ` +
      "device's), measured on the full pool; it does not grow with the diary.",
    rows,
    notes: [],
    raw: { runs },
  }
}
