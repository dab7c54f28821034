/**
 * What the command line's tests share: a pool written by three devices on the
 * emulator (plain or encrypted), the real binary run as a child process, a
 * plain-folder copy of the pool as the Dropbox desktop client would keep it,
 * and what each device shows.
 */
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type BlobStore, MemoryLocalStore, SyncEngine } from '@y-dropbox/core'
import { type Emulator, startEmulator } from '@y-dropbox/dropbox-emulator'
import { createDropboxBlobStore } from '@y-dropbox/dropbox-provider'
import type * as Y from 'yjs'

export const APP_KEY = 'cli-test-app'
export const ROOT = '/Pain-Diary'
export const PASSPHRASE = 'correct horse battery staple'
// The command's source (the published bin runs its compiled form, checked by tests/consumer).
const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url))

/** How a test starts the command: its source through tsx, resolving workspace packages to sources. */
export const COMMAND = ['--conditions=source', '--import', 'tsx', BIN]

/** A device of the test pool. */
export interface Device {
  name: string
  engine: SyncEngine
}

/** A pool on a running emulator. */
export interface EmulatorPool {
  emulator: Emulator
  refreshToken: string
  /** A store of the test's own, to look at or damage files. */
  store: BlobStore
  devices: Device[]
  /** A folder for the test's files (config, exports, passphrase). */
  tmp: string
  passphrase?: string
  /** Opens one more device (and activates it); `compacts: false` keeps it from compacting. */
  join(name: string, options?: { compacts?: boolean }): Promise<Device>
  close(): Promise<void>
}

async function openDevice(
  emulator: Emulator,
  refreshToken: string,
  name: string,
  passphrase?: string,
  compactAfterFiles = 4,
): Promise<Device> {
  const remote = await createDropboxBlobStore({
    appKey: APP_KEY,
    refreshToken,
    emulatorUrl: emulator.url,
    clientTag: name,
  })
  const engine = await SyncEngine.open({
    remote,
    local: new MemoryLocalStore(),
    deviceName: name,
    root: ROOT,
    autoSync: false,
    compactAfterFiles,
    onError: () => {},
    ...(passphrase ? { passphrase } : {}),
  })
  return { name, engine }
}

/** Writes one edit: pain and a line of notes in entry `id`. */
export async function edit(device: Device, id: string, pain: number, line: string): Promise<void> {
  const doc = await device.engine.doc(id)
  doc.getMap('entry').set('pain', pain)
  doc.getMap('entry').set(`by-${device.name}`, line)
  const notes = doc.getText('notes')
  notes.insert(notes.length, `${line}\n`)
}

/** Three devices write a pool: five rounds of edits (compacting every 4 batches), one entry deleted, all synced. */
export async function writePool(options: { encrypted?: boolean } = {}): Promise<EmulatorPool> {
  const emulator = await startEmulator({ port: 0 })
  const { refreshToken } = emulator.issueTokens({ clientId: APP_KEY })
  const passphrase = options.encrypted ? PASSPHRASE : undefined
  const devices: Device[] = []
  for (const name of ['phone', 'tablet', 'laptop'])
    devices.push(await openDevice(emulator, refreshToken, name, passphrase))
  for (const d of devices) await d.engine.activate()
  for (let round = 0; round < 5; round++) {
    for (const [i, d] of devices.entries()) {
      await edit(d, `entry-${round}-${d.name}`, (round + i) % 11, `round ${round} on ${d.name}`)
      await edit(d, 'shared', round, `${d.name} was here in round ${round}`)
      await d.engine.syncNow()
    }
  }
  await devices[1]!.engine.delete('entry-0-phone')
  for (let pass = 0; pass < 2; pass++) for (const d of devices) await d.engine.syncNow()
  const store = await createDropboxBlobStore({ appKey: APP_KEY, refreshToken, emulatorUrl: emulator.url })
  const tmp = await mkdtemp(join(tmpdir(), 'y-dropbox-cli-'))
  if (passphrase) await writeFile(join(tmp, 'passphrase'), `${passphrase}\n`, { mode: 0o600 })
  const extra: Device[] = []
  return {
    emulator,
    refreshToken,
    store,
    devices,
    tmp,
    ...(passphrase ? { passphrase } : {}),
    async join(name, { compacts = true } = {}) {
      const never = Number.MAX_SAFE_INTEGER
      const device = await openDevice(emulator, refreshToken, name, passphrase, compacts ? 4 : never)
      await device.engine.activate()
      extra.push(device)
      return device
    },
    async close() {
      for (const d of [...devices, ...extra]) await d.engine.close()
      await emulator.close()
      await rm(tmp, { recursive: true, force: true })
    },
  }
}

/** The arguments that point the binary at the pool on the emulator. */
export function emulatorArgs(pool: EmulatorPool): string[] {
  return [
    '--root',
    ROOT,
    '--emulator',
    pool.emulator.url,
    '--app-key',
    APP_KEY,
    '--refresh-token',
    pool.refreshToken,
    ...(pool.passphrase ? ['--passphrase-file', join(pool.tmp, 'passphrase')] : []),
  ]
}

/** What a run of the binary printed and how it exited. */
export interface Run {
  code: number
  stdout: string
  stderr: string
}

/** Runs the real binary as a child process (config folder inside `tmp`). */
export function cli(args: string[], tmp: string): Promise<Run> {
  const child = spawn(process.execPath, [...COMMAND, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, Y_DROPBOX_CONFIG_DIR: join(tmp, 'config'), FORCE_COLOR: '0' },
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })
}

/**
 * Copies the pool's files into a plain folder, as the Dropbox desktop client keeps an app folder.
 * The pool folder gets the display case of `ROOT` (as if the user had made it), so readers must
 * match names case-insensitively.
 */
export async function mirror(pool: EmulatorPool, dir: string): Promise<void> {
  const root = ROOT.toLowerCase()
  for (const file of pool.emulator.files()) {
    const got = await pool.store.get(file.pathLower)
    if (!got) continue
    const display = file.pathLower.startsWith(`${root}/`) ? ROOT + file.path.slice(ROOT.length) : file.path
    const local = join(dir, ...display.split('/').filter(Boolean))
    await mkdir(dirname(local), { recursive: true })
    await writeFile(local, got.data)
  }
}

/** What a device shows for each entry it lists: its fields and notes. */
export async function shown(
  device: Device,
): Promise<Record<string, { entry: unknown; notes: string; deleted: boolean }>> {
  const out: Record<string, { entry: unknown; notes: string; deleted: boolean }> = {}
  for (const info of device.engine.list()) {
    const doc: Y.Doc = await device.engine.doc(info.id)
    out[info.id] = {
      entry: doc.getMap('entry').toJSON(),
      notes: doc.getText('notes').toString(),
      deleted: info.deleted,
    }
  }
  return out
}

/** The same view of a JSON export. */
export function exported(json: string): Record<string, { entry: unknown; notes: string; deleted: boolean }> {
  const parsed = JSON.parse(json) as {
    entries: Array<{ id: string; deleted: boolean; content: { entry?: unknown; notes?: string } }>
  }
  const out: Record<string, { entry: unknown; notes: string; deleted: boolean }> = {}
  for (const e of parsed.entries)
    out[e.id] = { entry: e.content.entry ?? {}, notes: e.content.notes ?? '', deleted: e.deleted }
  return out
}
