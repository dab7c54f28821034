/**
 * What every verb that reads a pool does around its work: open the store,
 * get the passphrase (file, or a prompt with no echo when the pool turns out
 * to be encrypted), show progress, and print JSON or text.
 */
import { PassphraseError } from '@y-dropbox/core'
import { CliError } from './errors.ts'
import { type ProgressDisplay, progressDisplay } from './progress.ts'
import { askSecret, interactive } from './prompt.ts'
import { openSource, readPassphraseFile, type Source, type SourceOptions } from './source.ts'

/** What a verb's work gets. */
export interface PoolContext {
  source: Source
  root: string
  passphrase: string | undefined
  progress: ProgressDisplay
}

/** Opens the source and runs `work`, asking for the passphrase once if the pool needs one. */
export async function withPool<T>(
  options: SourceOptions,
  work: (ctx: PoolContext) => Promise<T>,
): Promise<T> {
  const source = await openSource(options)
  let passphrase = options.passphraseFile ? await readPassphraseFile(options.passphraseFile) : undefined
  const attempt = async () => {
    const progress = progressDisplay()
    try {
      return await work({ source, root: options.root, passphrase, progress })
    } finally {
      progress.stop()
    }
  }
  try {
    return await attempt()
  } catch (error) {
    if (!(error instanceof PassphraseError) || passphrase !== undefined) throw error
    if (!interactive()) {
      throw new CliError(
        'this sync pool is encrypted: give its passphrase with --passphrase-file <file>, or run in a terminal to type it',
      )
    }
    passphrase = await askSecret('Passphrase of the sync pool: ')
    return attempt()
  }
}

/** Prints a value as JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, jsonBytes, 2)}\n`)
}

function jsonBytes(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? `<${value.length} bytes>` : value
}
