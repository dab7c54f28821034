/**
 * The remote side of the benchmark: the Dropbox emulator (in a child process
 * for real runs, in-process for the smoke test), `DropboxBlobStore` clients
 * talking to it over loopback, and call counting from the emulator's stats.
 */
import { type ChildProcess, fork } from 'node:child_process'
import type { BlobStore } from '@y-dropbox/core'
import {
  type EmulatorFile,
  type EmulatorOptions,
  type EmulatorStats,
  type FaultRule,
  type IssuedTokens,
  startEmulator,
} from '@y-dropbox/dropbox-emulator'
import {
  type CreateDropboxBlobStoreOptions,
  createDropboxBlobStore,
  type DropboxBlobStore,
  MemoryTokenStore,
} from '@y-dropbox/dropbox-provider'

/** The emulator, wherever it runs. */
export interface RemoteHost {
  /** Base URL on 127.0.0.1. */
  readonly url: string
  stats(): Promise<EmulatorStats>
  resetStats(): Promise<void>
  files(): Promise<EmulatorFile[]>
  addFault(rule: FaultRule): Promise<string>
  clearFaults(): Promise<void>
  issueTokens(): Promise<IssuedTokens & { refreshToken: string }>
  close(): Promise<void>
}

/** The app key the benchmark's clients use. */
export const APP_KEY = 'y-dropbox-bench'

/** Emulator options the benchmark may set (JSON-serialisable, for the child process). */
export type RemoteOptions = Pick<EmulatorOptions, 'maxLongpollMs'>

/**
 * Starts an emulator on 127.0.0.1 with a free port: in a child process
 * (`'process'`, what `pnpm bench` uses) or in this process (`'in-process'`).
 */
export async function startRemote(
  where: 'process' | 'in-process',
  options: RemoteOptions = {},
): Promise<RemoteHost> {
  if (where === 'process') return startChild(options)
  const emulator = await startEmulator({ ...options, port: 0 })
  return {
    url: emulator.url,
    stats: async () => emulator.stats(),
    resetStats: async () => emulator.resetStats(),
    files: async () => emulator.files(),
    addFault: async (rule) => emulator.faults.add(rule),
    clearFaults: async () => emulator.faults.clear(),
    issueTokens: async () => emulator.issueTokens(),
    close: () => emulator.close(),
  }
}

/** A `DropboxBlobStore` on the emulator, with its own freshly issued tokens. */
export async function openStore(
  host: RemoteHost,
  options: Partial<CreateDropboxBlobStoreOptions> = {},
): Promise<DropboxBlobStore> {
  const issued = await host.issueTokens()
  const tokenStore = new MemoryTokenStore({
    accessToken: issued.accessToken,
    refreshToken: issued.refreshToken,
    accessTokenExpiresAt: Date.now() + issued.expiresIn * 1000,
  })
  return createDropboxBlobStore({ appKey: APP_KEY, tokenStore, emulatorUrl: host.url, ...options })
}

/** The same store without `watch`, so an engine on it polls. */
export function withoutWatch(store: BlobStore): BlobStore {
  return {
    put: (path, data, mode) => store.put(path, data, mode),
    get: (path) => store.get(path),
    list: (prefix, cursor) => store.list(prefix, cursor),
    delete: (paths) => store.delete(paths),
  }
}

/** Remote calls and bytes between two stats snapshots (token calls left out). */
export interface Calls {
  /** Every API call but OAuth. */
  calls: number
  /** Calls that wrote file content (uploads and upload sessions). */
  uploads: number
  /** Calls that read file content (single files and folder zips). */
  downloads: number
  /** Request bytes sent to the emulator. */
  bytesUp: number
  /** Response bytes received from it. */
  bytesDown: number
  /** Bytes of file content uploaded (request bodies of upload calls). */
  uploadBytes: number
  /** Bytes of file content downloaded (response bodies of download calls). */
  downloadBytes: number
  /** Calls per route. */
  routes: Record<string, number>
}

/** What happened between `before` and `after`. */
export function callsBetween(before: EmulatorStats, after: EmulatorStats): Calls {
  const out: Calls = {
    calls: 0,
    uploads: 0,
    downloads: 0,
    bytesUp: 0,
    bytesDown: 0,
    uploadBytes: 0,
    downloadBytes: 0,
    routes: {},
  }
  for (const [route, s] of Object.entries(after.routes)) {
    if (route.startsWith('oauth2')) continue
    const b = before.routes[route]
    const requests = s.requests - (b?.requests ?? 0)
    if (requests === 0) continue
    out.routes[route] = requests
    out.calls += requests
    const up = s.bytesIn - (b?.bytesIn ?? 0)
    const down = s.bytesOut - (b?.bytesOut ?? 0)
    out.bytesUp += up
    out.bytesDown += down
    if (route === 'files/upload' || route.startsWith('files/upload_session')) {
      out.uploads += requests
      out.uploadBytes += up
    }
    if (route === 'files/download' || route === 'files/download_zip') {
      out.downloads += requests
      out.downloadBytes += down
    }
  }
  return out
}

/** Measures the calls `task` makes (nothing else may use the emulator meanwhile). */
export async function countCalls<T>(
  host: RemoteHost,
  task: () => Promise<T>,
): Promise<{ result: T; calls: Calls }> {
  const before = await host.stats()
  const result = await task()
  return { result, calls: callsBetween(before, await host.stats()) }
}

/** Total bytes of the files under `prefix`. */
export async function storedBytes(
  host: RemoteHost,
  prefix: string,
): Promise<{ files: number; bytes: number }> {
  const p = prefix.toLowerCase()
  const files = (await host.files()).filter((f) => f.pathLower.startsWith(p))
  return { files: files.length, bytes: files.reduce((n, f) => n + f.size, 0) }
}

// ---- the child process -------------------------------------------------------

async function startChild(options: RemoteOptions): Promise<RemoteHost> {
  const child = fork(new URL('./emulator-host.ts', import.meta.url).pathname, [], {
    // `source`: workspace packages resolve to their TypeScript sources (no build needed).
    execArgv: ['--conditions=source', '--import', 'tsx'],
    env: { ...process.env, BENCH_EMULATOR_OPTIONS: JSON.stringify(options) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`the emulator process exited (${code}) before it was ready`))
    child.once('exit', onExit)
    child.once('error', reject)
    child.once('message', (message: { ready?: string }) => {
      child.off('exit', onExit)
      if (message.ready) resolve(message.ready)
      else reject(new Error('the emulator process sent an unexpected first message'))
    })
  })
  const call = requester(child)
  return {
    url,
    stats: () => call('stats') as Promise<EmulatorStats>,
    resetStats: async () => void (await call('resetStats')),
    files: () => call('files') as Promise<EmulatorFile[]>,
    addFault: (rule) => call('addFault', { rule }) as Promise<string>,
    clearFaults: async () => void (await call('clearFaults')),
    issueTokens: () => call('issueTokens') as Promise<IssuedTokens & { refreshToken: string }>,
    close: async () => {
      if (!child.connected) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      await call('close').catch(() => undefined)
      await exited
    },
  }
}

function requester(child: ChildProcess): (op: string, extra?: object) => Promise<unknown> {
  let next = 0
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  child.on('message', (message: { id?: number; ok?: boolean; value?: unknown; error?: string }) => {
    const w = message.id === undefined ? undefined : waiting.get(message.id)
    if (!w || message.id === undefined) return
    waiting.delete(message.id)
    if (message.ok) w.resolve(message.value)
    else w.reject(new Error(`emulator process: ${message.error}`))
  })
  child.on('exit', () => {
    for (const w of waiting.values()) w.reject(new Error('the emulator process exited'))
    waiting.clear()
  })
  return (op, extra = {}) =>
    new Promise((resolve, reject) => {
      const id = ++next
      waiting.set(id, { resolve, reject })
      child.send({ id, op, ...extra })
    })
}
