/**
 * What every tab sees of its device, and the operations any tab may ask the syncing tab to run.
 * The syncing (leader) tab implements `DeviceCalls` over the engine; other tabs call them through
 * the tab protocol with `deviceCall`.
 */
import type { BackupEntry, BackupInfo, PoolDevice, SyncStatus } from '@y-dropbox/core'
import type { SharedEngine } from '@y-dropbox/tabs'
import type { EntryData } from '../model/entry.ts'

export type { BackupEntry, BackupInfo, PoolDevice, SyncStatus }

/** The device as every tab sees it: status, devices, backups (broadcast to each tab). */
export interface DeviceView {
  /** The engine's status. */
  sync: SyncStatus
  /** Whether a Dropbox account is linked on this device. */
  linked: boolean
  /** The name other devices see. */
  deviceName: string
  /** `emulator` (local Dropbox emulator) or `dropbox` (real Dropbox). */
  cloud: 'emulator' | 'dropbox'
  /** An operation the leader is running for the user (e.g. `Adding sample entries`), with progress. */
  task?: { label: string; done: number; total: number }
  /**
   * The technical side of a request the current sync round is retrying (what failed, which attempt,
   * the wait), for the banner's details; the banner's sentence always comes from `sync`.
   */
  retry?: string
  /** True when the pool this device syncs with is end-to-end encrypted (this device holds its key). */
  encrypted: boolean
  /** True when sync waits for the pool's passphrase (e.g. it was changed on another device). */
  needsPassphrase: boolean
}

/** Options of `activate`. */
export interface ActivateOptions {
  /**
   * Encrypts the pool this device creates, or unlocks the encrypted pool it joins. Passed to the
   * engine only, which keeps the derived key; never stored or logged by the app.
   */
  passphrase?: string
}

/** How a restore treats the entries already on the device. */
export type RestoreMode = 'merge' | 'replace'

/** What a restore did. */
export interface RestoreResult {
  /** Entries created from the backup. */
  added: number
  /** Existing entries merged with or overwritten by the backup. */
  updated: number
  /** Entries deleted because the backup did not have them (replace only). */
  removed: number
}

/** Operations the syncing tab runs for any tab. */
export type DeviceCalls = {
  /**
   * Activates sync (builds or joins the pool); `created` on the first device. Rejects with a
   * `PassphraseError` when the pool is encrypted and the passphrase is missing or wrong (nothing is
   * written then), and refuses a passphrase for a pool that is not encrypted.
   */
  activate(options?: ActivateOptions): Promise<'created' | 'joined'>
  /**
   * Gives this device the pool's passphrase (after another device changed it) and syncs; a wrong
   * one rejects with a `PassphraseError` and changes nothing.
   */
  unlock(passphrase: string): Promise<void>
  /**
   * Re-encrypts the pool with a new passphrase (or encrypts a plain pool) through a new master;
   * other devices are asked for the new passphrase, then to download the master.
   */
  changePassphrase(passphrase: string): Promise<void>
  /** Pushes everything pending and pulls everything missed. */
  syncNow(): Promise<void>
  /**
   * Makes this device's diary equal to the pool's master. Everything on the device is saved first
   * in a local backup, whose name it returns (see `localBackups`).
   */
  downloadMaster(): Promise<string>
  /** Makes this device's diary the new master. */
  uploadMaster(): Promise<void>
  /** Stops syncing on this device only. */
  deactivate(): Promise<void>
  /** Stops syncing here and deletes the pool from Dropbox. */
  deleteAllSyncData(): Promise<void>
  /** The devices of the pool. */
  devices(): Promise<PoolDevice[]>
  /** Renames this device. */
  rename(name: string): Promise<void>
  /** Tells the syncing tab that a Dropbox link was made or removed in some tab. */
  linkChanged(): Promise<void>
  /** Unlinks Dropbox on this device (turns sync off first). */
  unlink(): Promise<void>
  /** Deletes an entry. */
  deleteEntry(id: string): Promise<void>
  /** The whole diary as a backup file. */
  exportBackup(): Promise<Uint8Array>
  /** Restores a backup file. */
  restoreBackup(file: Uint8Array, mode: RestoreMode): Promise<RestoreResult>
  /** The backups this device took before master downloads, newest first: when, why, what. */
  localBackups(): Promise<BackupInfo[]>
  /** The entries of local backup `name`, with their summaries and whether they were never uploaded. */
  localBackupEntries(name: string): Promise<BackupEntry[]>
  /** One entry of local backup `name` as it is there (with edits kept after the backup), to look at. */
  localBackupEntry(name: string, id: string): Promise<EntryData | undefined>
  /**
   * Merges local backup `name` (or only its entries `ids`) into the diary; nothing in the diary is
   * removed and the merged entries sync like edits. Returns how many entries were merged.
   */
  restoreLocalBackup(name: string, ids?: string[]): Promise<number>
  /** Adds `count` made-up entries (for trying the app and QA). */
  addSamples(count: number): Promise<number>
}

/** Calls a device operation through the tab protocol (runs in the syncing tab). */
export function deviceCall<K extends keyof DeviceCalls>(
  tabs: SharedEngine<DeviceView, DeviceCalls>,
  name: K,
  ...args: Parameters<DeviceCalls[K]>
): ReturnType<DeviceCalls[K]> {
  const call = tabs.call as (method: string, ...args: unknown[]) => Promise<unknown>
  return call.call(tabs, name, ...args) as ReturnType<DeviceCalls[K]>
}
