/**
 * `startEmulator`: the HTTP server and the {@link Emulator} handle.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dispatch } from './dispatch.ts'
import { FaultController } from './faults.ts'
import type { Emulator, EmulatorOptions } from './options.ts'
import { EmulatorState } from './state.ts'
import { StatsRecorder } from './stats.ts'
import { DEFAULT_ACCOUNT_ID } from './tokens.ts'

/** How long `close()` lets in-flight responses finish before cutting connections. */
const CLOSE_GRACE_MS = 500

/**
 * Starts an emulator of the Dropbox API v2 subset y-dropbox uses, listening on one port for
 * every Dropbox host (point clients at it with `emulatorFetch(emulator.url)`).
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ port: 0 })
 * const { accessToken } = emulator.issueTokens()
 * const dbx = new Dropbox({ accessToken, fetch: emulatorFetch(emulator.url) })
 * await dbx.filesUpload({ path: '/hello.txt', contents: 'hi' })
 * await emulator.close()
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const state = new EmulatorState(options)
  await state.open()
  const stats = new StatsRecorder()
  const faults = new FaultController(options.seed ?? 1)
  const server = createServer()
  // Long uploads and long-polls must not be cut by Node's default request timeout.
  server.requestTimeout = 0
  const host = options.host ?? '127.0.0.1'
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (error) {
    // The listen error itself (with its `code`, e.g. EADDRINUSE) tells callers what to do.
    await state.close()
    throw error
  }
  const port = (server.address() as AddressInfo).port
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  let closing: Promise<void> | undefined

  const emulator: Emulator = {
    url,
    port,
    faults,
    issueTokens(o = {}) {
      const grant = {
        accountId: o.accountId ?? DEFAULT_ACCOUNT_ID,
        clientId: o.clientId,
        scope: 'account_info.read files.content.read files.content.write files.metadata.read',
      }
      return state.tokens.issue(grant, true) as ReturnType<Emulator['issueTokens']>
    },
    async reset() {
      state.namespace.reset()
      state.sessions.clear()
      await state.durable()
    },
    setAccessTokenTtl(ms) {
      state.tokens.ttlMs = ms
    },
    expireAllAccessTokens() {
      state.tokens.expireAll()
    },
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    files: () =>
      state.namespace.files().map((f) => ({
        path: f.display,
        pathLower: f.lower,
        size: f.size,
        rev: f.rev,
        contentHash: f.contentHash,
      })),
    close() {
      closing ??= shutDown()
      return closing
    },
  }

  server.on('request', (req, res) => {
    dispatch({ state, stats, emulator }, req, res).catch((error: unknown) => {
      state.log(`request handling failed: ${String(error)}`)
      res.destroy()
    })
  })

  async function shutDown(): Promise<void> {
    // Ends long-polls and latency waits first, so their responses go out before the sockets close.
    state.closing.abort()
    state.waiters.endAll()
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS)
    await closed
    clearTimeout(cut)
    await state.close()
  }

  return emulator
}
