/**
 * The sync passphrase as the device handles it: telling when the engine asks for it, and whether
 * the pool in Dropbox is encrypted before a passphrase is handed to the engine. The passphrase
 * itself is only passed through to the engine, which keeps the derived key, never the passphrase.
 */
import type { BlobStore, SyncStatus } from '@y-dropbox/core'

/** The fewest characters the engine accepts in a passphrase. */
export const MIN_PASSPHRASE_LENGTH = 8

/**
 * True when an engine message asks the user for the pool's passphrase: the pool is encrypted and
 * this device has no key for it, the passphrase was changed on another device, or the one typed was
 * wrong. The engine reports these as `PassphraseError`s whose messages say "enter its passphrase",
 * "enter the new passphrase" or "the passphrase is wrong".
 */
export function asksForPassphrase(message: string): boolean {
  return /enter (its|the new) passphrase|passphrase is wrong/i.test(message)
}

/** True when the device's status is an error that entering the passphrase resolves. */
export function needsPassphrase(status: SyncStatus): boolean {
  return status.state === 'error' && status.reason === 'passphrase' && asksForPassphrase(status.detail ?? '')
}

/**
 * True for an error a passphrase would resolve: a `PassphraseError` from the engine (thrown here,
 * or carried back from the syncing tab under its name) that asks for the passphrase.
 */
export function isPassphraseRequest(error: unknown): boolean {
  return error instanceof Error && error.name === 'PassphraseError' && asksForPassphrase(error.message)
}

/** Whether there is a pool under a folder, and whether it is encrypted. */
export type PoolEncryption = 'none' | 'plain' | 'encrypted' | 'unknown'

/**
 * Reads `<root>/pool.json` and says whether the pool is encrypted (its `encryption` field):
 * `none` when there is no pool, `unknown` when the file cannot be read as JSON (the engine then
 * decides and explains).
 */
export async function poolEncryption(remote: BlobStore, root: string): Promise<PoolEncryption> {
  const file = await remote.get(`${root}/pool.json`)
  if (!file) return 'none'
  try {
    const pool = JSON.parse(new TextDecoder().decode(file.data)) as { encryption?: unknown } | null
    if (pool === null || typeof pool !== 'object') return 'unknown'
    return pool.encryption === undefined ? 'plain' : 'encrypted'
  } catch {
    return 'unknown'
  }
}
