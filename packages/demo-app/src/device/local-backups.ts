/**
 * The device operations on local backups (the copies the engine takes before a master download
 * replaces the diary): list them, look into one, and merge all or some of it back. They run in the
 * syncing tab; an entry is handed to other tabs as plain data, never as a live document.
 */
import type { SyncEngine } from '@y-dropbox/core'
import { readEntry } from '../model/entry.ts'
import type { DeviceCalls } from './device-api.ts'

type BackupCalls = Pick<
  DeviceCalls,
  'localBackups' | 'localBackupEntries' | 'localBackupEntry' | 'restoreLocalBackup'
>

/** The local-backup calls of the engine `engine()` returns. */
export function localBackupCalls(engine: () => SyncEngine): BackupCalls {
  return {
    localBackups: async () =>
      Promise.all((await engine().backups()).map((name) => engine().backupInfo(name))),
    localBackupEntries: (name) => engine().backupEntries(name),
    localBackupEntry: async (name, id) => {
      const doc = await engine().backupDoc(name, id)
      if (!doc) return undefined
      try {
        return readEntry(doc)
      } finally {
        doc.destroy()
      }
    },
    restoreLocalBackup: (name, ids) => engine().restoreBackup(name, ids),
  }
}
