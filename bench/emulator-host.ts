/**
 * Runs the Dropbox emulator in its own process for the benchmark, so the
 * server's work does not share the measured device's event loop (as with the
 * real Dropbox, which is another machine). Started by `remote.ts` with
 * `fork()`; answers requests over the IPC channel and exits when the parent
 * disconnects.
 */
import {
  type Emulator,
  type EmulatorOptions,
  type FaultRule,
  startEmulator,
} from '@y-dropbox/dropbox-emulator'

/** A request from the parent. */
export type HostRequest =
  | { id: number; op: 'issueTokens' | 'stats' | 'resetStats' | 'files' | 'clearFaults' | 'close' }
  | { id: number; op: 'addFault'; rule: FaultRule }

/** The answer to a request. */
export type HostResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string }

/** Answers one request against `emulator`. */
async function handle(emulator: Emulator, request: HostRequest): Promise<unknown> {
  switch (request.op) {
    case 'issueTokens':
      return emulator.issueTokens()
    case 'stats':
      return emulator.stats()
    case 'resetStats':
      return emulator.resetStats()
    case 'files':
      return emulator.files()
    case 'addFault':
      return emulator.faults.add(request.rule)
    case 'clearFaults':
      return emulator.faults.clear()
    case 'close':
      return emulator.close()
  }
}

async function main(): Promise<void> {
  const send = process.send?.bind(process)
  if (!send)
    throw new Error('emulator-host.ts is started by bench/remote.ts with fork(); run `pnpm bench` instead')
  // Options from the parent (e.g. maxLongpollMs), passed as JSON in the environment.
  const options = JSON.parse(process.env.BENCH_EMULATOR_OPTIONS ?? '{}') as EmulatorOptions
  const emulator = await startEmulator({ ...options, port: 0 })
  process.on('message', (message: HostRequest) => {
    handle(emulator, message).then(
      (value) => {
        send({ id: message.id, ok: true, value: value ?? null } satisfies HostResponse)
        if (message.op === 'close') process.disconnect()
      },
      (error: unknown) => send({ id: message.id, ok: false, error: String(error) } satisfies HostResponse),
    )
  })
  process.on('disconnect', () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
  send({ ready: emulator.url })
}

main().catch((error: unknown) => {
  process.stderr.write(`bench emulator host failed: ${String(error)}\n`)
  process.exit(1)
})
