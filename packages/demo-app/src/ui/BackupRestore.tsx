/**
 * Settings → Backup & Restore: the backups this device took before master downloads, and the whole
 * diary to a file and back (merge or replace).
 */
import { useState } from 'preact/hooks'
import { useSession } from '../app/session.ts'
import type { RestoreMode, RestoreResult } from '../device/device-api.ts'
import { type BackupFile, readBackup } from '../model/backup.ts'
import { Confirm } from './Dialog.tsx'
import { plural } from './format.ts'
import { LocalBackups } from './LocalBackups.tsx'
import { errorMessage, useAction } from './use-action.ts'

/** The Backup & Restore screen. */
export function BackupRestore() {
  const session = useSession()
  const action = useAction()
  const [chosen, setChosen] = useState<{ bytes: Uint8Array; file: BackupFile; name: string } | undefined>(
    undefined,
  )
  const [mode, setMode] = useState<RestoreMode | undefined>(undefined)
  const [result, setResult] = useState<RestoreResult | undefined>(undefined)
  const [readError, setReadError] = useState<string | undefined>(undefined)

  const download = () =>
    action.run('Preparing the backup', async () => {
      const bytes = await session.call('exportBackup')
      const date = new Date().toISOString().slice(0, 10)
      const url = URL.createObjectURL(
        new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/json' }),
      )
      const a = document.createElement('a')
      a.href = url
      a.download = `pain-diary-${session.profile.device}-${date}.json`
      document.body.append(a)
      a.click()
      a.remove()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
    })

  const pick = async (input: HTMLInputElement) => {
    const f = input.files?.[0]
    input.value = ''
    setResult(undefined)
    setReadError(undefined)
    if (!f) return
    try {
      const bytes = new Uint8Array(await f.arrayBuffer())
      setChosen({ bytes, file: readBackup(bytes), name: f.name })
    } catch (e) {
      setChosen(undefined)
      setReadError(errorMessage(e))
    }
  }

  const restore = (m: RestoreMode) => {
    setMode(undefined)
    const c = chosen
    if (!c) return
    action.run('Restoring', async () => {
      setResult(await session.call('restoreBackup', c.bytes, m))
      setChosen(undefined)
    })
  }

  return (
    <div>
      <LocalBackups />
      <div class="section-title">Backup</div>
      <div class="card">
        <p style={{ marginTop: 0 }}>
          Save every entry of this diary ({plural(session.index.size, 'entry', 'entries')}) to a file you can
          keep anywhere.
        </p>
        <button type="button" class="btn primary" disabled={!!action.busy} onClick={download}>
          Download backup
        </button>
      </div>
      <div class="section-title">Restore</div>
      <div class="card">
        <p style={{ marginTop: 0 }}>Choose a backup file made with “Download backup”.</p>
        <input
          type="file"
          accept=".json,application/json"
          aria-label="Backup file"
          onChange={(e) => void pick(e.currentTarget)}
        />
        {readError && <p style={{ color: 'var(--danger)' }}>{readError}</p>}
        {chosen && (
          <div style={{ marginTop: 12 }}>
            <p>
              <b>{chosen.name}</b>: {plural(chosen.file.entries.length, 'entry', 'entries')}
              {chosen.file.device ? ` from ${chosen.file.device}` : ''}
              {chosen.file.exportedAt ? `, saved ${new Date(chosen.file.exportedAt).toLocaleString()}` : ''}.
            </p>
            <div class="btn-row">
              <button
                type="button"
                class="btn primary"
                disabled={!!action.busy}
                onClick={() => setMode('merge')}
              >
                Merge into this diary
              </button>
              <button
                type="button"
                class="btn danger"
                disabled={!!action.busy}
                onClick={() => setMode('replace')}
              >
                Replace this diary
              </button>
            </div>
          </div>
        )}
        {result && (
          <p role="status" data-testid="restore-result">
            Restored: {result.added} added, {result.updated} updated, {result.removed} removed.
          </p>
        )}
      </div>
      {action.busy && <p class="muted small">{action.busy}…</p>}
      {action.error && <p style={{ color: 'var(--danger)' }}>{action.error}</p>}
      {mode === 'merge' && chosen && (
        <Confirm
          title="Merge the backup into this diary?"
          confirm="Merge"
          onCancel={() => setMode(undefined)}
          onConfirm={() => restore('merge')}
        >
          <p>
            The {plural(chosen.file.entries.length, 'entry', 'entries')} of the backup are combined with this
            diary. Nothing in this diary is removed; when sync is on, the result reaches your other devices.
          </p>
        </Confirm>
      )}
      {mode === 'replace' && chosen && (
        <Confirm
          title="Replace this diary by the backup?"
          confirm="Replace diary"
          danger
          onCancel={() => setMode(undefined)}
          onConfirm={() => restore('replace')}
        >
          <p>
            This diary becomes exactly the backup: entries changed since are set back, and entries that are
            not in the backup are deleted
            {session.state.value?.sync.state !== 'inactive' ? ', on every synced device too' : ''}.
          </p>
        </Confirm>
      )}
    </div>
  )
}
