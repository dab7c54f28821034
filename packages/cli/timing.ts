// Runnable: npx tsx packages/cli/timing.ts [--size 10000] [--edits 20]
// Times the y-dropbox binary on the benchmark's diary: one device writes every entry (one sync per edit
// round, no compaction, as bench/pool.ts does) on an in-process emulator; then status, verify and export
// run as child processes over the emulator and over a plain-folder copy, before and after `compact`.
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { MemoryLocalStore, SyncEngine } from '@y-dropbox/core'
import { startEmulator } from '@y-dropbox/dropbox-emulator'
import { createDropboxBlobStore } from '@y-dropbox/dropbox-provider'
import * as Y from 'yjs'
import { generateDiary, summarizeEntry } from '../../bench/data.ts'

const { values } = parseArgs({ options: { size: { type: 'string' }, edits: { type: 'string' } } })
const size = Number(values.size ?? 10_000)
const edits = Number(values.edits ?? 20)
const ROOT = '/bench-pool'
const BIN = fileURLToPath(new URL('./bin/y-dropbox.js', import.meta.url))

const emulator = await startEmulator({ port: 0 })
const { refreshToken } = emulator.issueTokens({ clientId: 'timing' })
const store = await createDropboxBlobStore({ appKey: 'timing', refreshToken, emulatorUrl: emulator.url })
const tmp = await mkdtemp(join(tmpdir(), 'y-dropbox-timing-'))
try {
  const diary = generateDiary({ entries: size, editsPerEntry: edits })
  const writer = await SyncEngine.open({
    remote: store,
    local: new MemoryLocalStore(),
    root: ROOT,
    deviceName: 'writer',
    autoSync: false,
    summarize: summarizeEntry,
    compactAfterFiles: Number.MAX_SAFE_INTEGER,
    compactAfterBytes: Number.MAX_SAFE_INTEGER,
    onError: () => {},
  })
  await writer.activate()
  const docs = new Map<string, Y.Doc>()
  const built = performance.now()
  for (let round = 0; round < edits; round++) {
    for (const entry of diary.entries) {
      const doc = docs.get(entry.id) ?? (await writer.doc(entry.id))
      docs.set(entry.id, doc)
      const update = entry.updates[round]
      if (update) Y.applyUpdate(doc, update)
    }
    await writer.syncNow()
  }
  await writer.close()
  console.log(
    `pool of ${size} entries × ${edits} edits written in ${((performance.now() - built) / 1000).toFixed(1)} s`,
  )

  const remote = [
    '--root',
    ROOT,
    '--emulator',
    emulator.url,
    '--app-key',
    'timing',
    '--refresh-token',
    refreshToken,
  ]
  const folder = join(tmp, 'folder')
  const local = ['--root', ROOT, '--folder', folder]
  const rows: string[][] = []
  const time = async (label: string, args: string[]) => {
    const start = performance.now()
    const code = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'inherit'] })
      child.on('close', (c) => resolve(c ?? -1))
    })
    rows.push([label, `${((performance.now() - start) / 1000).toFixed(1)} s`, `exit ${code}`])
  }
  const mirror = async () => {
    await rm(folder, { recursive: true, force: true })
    for (const file of emulator.files()) {
      const got = await store.get(file.pathLower)
      if (!got) continue
      await mkdir(dirname(join(folder, file.path)), { recursive: true })
      await writeFile(join(folder, file.path), got.data)
    }
  }
  await time('start-up only (--help)', ['--help'])
  for (const stage of ['logs only', 'after compact']) {
    if (stage === 'after compact') await time('compact (emulator)', ['compact', ...remote])
    await mirror()
    await time(`status, ${stage} (emulator)`, ['status', ...remote])
    await time(`verify, ${stage} (emulator)`, ['verify', ...remote])
    await time(`export json, ${stage} (emulator)`, ['export', '--out', join(tmp, 'x.json'), ...remote])
    await time(`export csv, ${stage} (emulator)`, ['export', '--out', join(tmp, 'x.csv'), ...remote])
    await time(`verify, ${stage} (folder)`, ['verify', ...local])
    await time(`export json, ${stage} (folder)`, ['export', '--out', join(tmp, 'y.json'), ...local])
  }
  const width = Math.max(...rows.map((r) => r[0]!.length))
  for (const [label, seconds, code] of rows)
    console.log(`${label!.padEnd(width)}  ${seconds!.padStart(7)}  ${code}`)
} finally {
  await emulator.close()
  await rm(tmp, { recursive: true, force: true })
}
