/**
 * Command line: `y-dropbox-emulator --port 8787 --data <dir> [--admin] [--token-ttl 14400]`.
 * Prints the URL on the first line of stdout and stops cleanly on SIGINT or SIGTERM.
 */
import { parseArgs } from 'node:util'
import type { Emulator } from './options.ts'
import { startEmulator } from './server.ts'

const USAGE = `Usage: y-dropbox-emulator [options]

A local server speaking the part of the Dropbox API v2 that y-dropbox uses.

Options:
  -p, --port <n>          port to listen on (default 8787; 0 picks a free one)
      --host <addr>       interface to listen on (default 127.0.0.1)
  -d, --data <dir>        keep files and tokens in this folder (default: memory only)
      --admin             enable the /__emulator/* control endpoints
      --token-ttl <s>     access token lifetime in seconds (default 14400)
      --app-key <key>     accept only this client id (repeatable; default: any)
      --seed <n>          seed of the fault generator (default 1)
      --no-fsync          do not fsync writes under --data (faster, still atomic)
  -v, --verbose           log one line per request to stderr
  -h, --help              show this help
`

/** Runs the command line with `argv` (without node and script); resolves once listening. */
export async function main(argv: string[]): Promise<Emulator | undefined> {
  let values: ReturnType<typeof parse>
  try {
    values = parse(argv)
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`)
    process.exitCode = 2
    return undefined
  }
  if (values.help) {
    process.stdout.write(USAGE)
    return undefined
  }
  const port = integer(values.port, '--port', 8787)
  const ttl = integer(values['token-ttl'], '--token-ttl', 14400)
  const emulator = await startEmulator({
    port,
    host: values.host,
    dataDir: values.data,
    admin: values.admin ?? false,
    accessTokenTtlMs: ttl * 1000,
    appKeys: values['app-key'],
    seed: integer(values.seed, '--seed', 1),
    fsync: !values['no-fsync'],
    log: values.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
  })
  process.stdout.write(`${emulator.url}\n`)
  const where = values.data === undefined ? 'in memory' : `in ${values.data}`
  process.stderr.write(`Dropbox API emulator listening on ${emulator.url}, data ${where}. Ctrl+C stops it.\n`)
  const stop = (signal: string) => {
    process.stderr.write(`${signal}: stopping\n`)
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`could not stop cleanly: ${String(error)}\n`)
        process.exit(1)
      },
    )
  }
  process.once('SIGINT', () => stop('SIGINT'))
  process.once('SIGTERM', () => stop('SIGTERM'))
  return emulator
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      data: { type: 'string', short: 'd' },
      admin: { type: 'boolean' },
      'token-ttl': { type: 'string' },
      'app-key': { type: 'string', multiple: true },
      seed: { type: 'string' },
      'no-fsync': { type: 'boolean' },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values
}

function integer(raw: string | undefined, flag: string, fallback: number): number {
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a whole number >= 0, got "${raw}"`)
  return n
}
