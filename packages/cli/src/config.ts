/**
 * Where the command line keeps what outlives a run: the Dropbox tokens of a
 * link (one file per app key, mode 0600) and the app key last linked, in the
 * user's config folder (`~/.config/y-dropbox` on Linux; `Y_DROPBOX_CONFIG_DIR`
 * overrides it).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { FileTokenStore } from '@y-dropbox/dropbox-provider/node'
import envPaths from 'env-paths'

/** The config folder. */
export function configDir(): string {
  return process.env.Y_DROPBOX_CONFIG_DIR || envPaths('y-dropbox', { suffix: '' }).config
}

/** The token file of a Dropbox app key. */
export function tokenStore(appKey: string): FileTokenStore {
  return new FileTokenStore(join(configDir(), `dropbox-${appKey.replace(/[^A-Za-z0-9_-]/g, '_')}.json`))
}

/** What `link` remembers for later runs. */
export interface Settings {
  /** The app key last linked. */
  appKey?: string
  /** The emulator that link was made with, if any. */
  emulatorUrl?: string
}

/** Reads the settings (empty when none are saved). */
export async function loadSettings(): Promise<Settings> {
  try {
    return JSON.parse(await readFile(join(configDir(), 'settings.json'), 'utf8')) as Settings
  } catch {
    return {}
  }
}

/** Saves the settings (no secrets in them). */
export async function saveSettings(settings: Settings): Promise<void> {
  await mkdir(configDir(), { recursive: true, mode: 0o700 })
  await writeFile(join(configDir(), 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`, {
    mode: 0o600,
  })
}
