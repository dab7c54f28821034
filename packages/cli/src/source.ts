/**
 * Where the pool lives, from the command line's options: a plain local copy
 * of the app folder (`--folder`, read-only), the emulator (`--emulator` with
 * `--app-key` and a refresh token), or Dropbox through the tokens `link` saved.
 */
import { readFile } from 'node:fs/promises'
import type { BlobStore } from '@y-dropbox/core'
import { ReadOnlyFolderStore } from '@y-dropbox/core/node'
import { createDropboxBlobStore } from '@y-dropbox/dropbox-provider'
import type { Command } from 'commander'
import { loadSettings, tokenStore } from './config.ts'
import { CliError } from './errors.ts'

/** The options every verb that reads a pool takes. */
export interface SourceOptions {
  folder?: string
  emulator?: string
  appKey?: string
  refreshToken?: string
  root: string
  passphraseFile?: string
  json?: boolean
}

/** An opened store and what can be done with it. */
export interface Source {
  store: BlobStore
  /** Where it is, for messages (never a token). */
  label: string
  /** False for a plain folder. */
  writable: boolean
}

/** Adds the source options to a verb. */
export function withSource(command: Command): Command {
  return command
    .requiredOption('-r, --root <path>', 'the pool folder inside the app folder, e.g. /pain-diary')
    .option(
      '--folder <dir>',
      'read a plain local copy of the app folder (as the Dropbox desktop client keeps it)',
    )
    .option('--emulator <url>', 'use a y-dropbox Dropbox emulator at this address')
    .option('--app-key <key>', 'the Dropbox app key (default: the one last linked, or $Y_DROPBOX_APP_KEY)')
    .option(
      '--refresh-token <token>',
      'a refresh token to use instead of the linked one (or $Y_DROPBOX_REFRESH_TOKEN)',
    )
    .option(
      '--passphrase-file <file>',
      'read the passphrase of an encrypted pool from this file (else it is asked)',
    )
    .option('--json', 'print the result as JSON for scripts')
}

/** Opens the store the options name. */
export async function openSource(options: SourceOptions): Promise<Source> {
  if (options.folder !== undefined) {
    if (options.emulator !== undefined) throw new CliError('give either --folder or --emulator, not both')
    return {
      store: await ReadOnlyFolderStore.open({ dir: options.folder }),
      label: options.folder,
      writable: false,
    }
  }
  const settings = await loadSettings()
  const appKey = options.appKey ?? process.env.Y_DROPBOX_APP_KEY ?? settings.appKey
  if (!appKey) {
    throw new CliError(
      'no Dropbox app key: pass --app-key, or run `y-dropbox link --app-key <key>` once (or use --folder <dir>)',
    )
  }
  const emulatorUrl = options.emulator ?? (options.appKey === undefined ? settings.emulatorUrl : undefined)
  const refreshToken = options.refreshToken ?? process.env.Y_DROPBOX_REFRESH_TOKEN
  const store = await createDropboxBlobStore({
    appKey,
    ...(refreshToken ? { refreshToken } : { tokenStore: tokenStore(appKey) }),
    ...(emulatorUrl ? { emulatorUrl } : {}),
    maxRetryTimeMs: 30_000,
  })
  return { store, label: emulatorUrl ? `the emulator at ${emulatorUrl}` : 'Dropbox', writable: true }
}

/** Reads a passphrase file (one line; the trailing newline is not part of it). */
export async function readPassphraseFile(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).replace(/\r?\n$/, '')
  } catch (error) {
    throw new CliError(
      `cannot read the passphrase file ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    )
  }
}
