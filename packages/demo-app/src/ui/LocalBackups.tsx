/**
 * Backup & Restore › Backups on this device: the copies of the whole diary this device saved
 * before a master download replaced it (when, why, which entries held changes never uploaded).
 * One can be opened, any entry in it looked at, and all or some of it merged back into the diary.
 */
import { useEffect, useState } from 'preact/hooks'
import { useSession } from '../app/session.ts'
import type { BackupEntry, BackupInfo } from '../device/device-api.ts'
import type { EntryData } from '../model/entry.ts'
import { agree, count, NOUNS } from '../model/plural.ts'
import { readSummary } from '../model/summary.ts'
import { Confirm, Dialog } from './Dialog.tsx'
import { formatDay, formatTime, painWord } from './format.ts'
import { errorMessage, useAction } from './use-action.ts'

const REASONS: Record<BackupInfo['reason'], string> = {
  'download-master': 'before Download Master DB to Device',
}

/** "Sat 30 Nov 2026, 08:12". */
function when(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}

/** The list of local backups, and the one opened. */
export function LocalBackups() {
  const session = useSession()
  const [backups, setBackups] = useState<BackupInfo[] | undefined>(undefined)
  const [error, setError] = useState<string | undefined>(undefined)
  const [opened, setOpened] = useState<string | undefined>(undefined)
  const generation = session.generation.value
  useEffect(() => {
    let alive = true
    session
      .call('localBackups')
      .then((list) => alive && setBackups(list))
      .catch((e: unknown) => alive && setError(errorMessage(e)))
    return () => {
      alive = false
    }
  }, [session, generation])
  const chosen = backups?.find((b) => b.name === opened)
  return (
    <section aria-labelledby="local-backups-title">
      <h2 class="section-title" id="local-backups-title">
        Backups on this device
      </h2>
      <div class="card" data-testid="local-backups">
        <p class="small muted" style={{ marginTop: 0 }}>
          Before a master download replaces the diary, this device saves all of it here (the newest three are
          kept). Nothing in them is lost: open one to look at an entry or merge it back.
        </p>
        {error && <p class="field-error">{error}</p>}
        {!backups && !error && <p class="small muted">Loading…</p>}
        {backups?.length === 0 && <p style={{ marginBottom: 0 }}>No backups yet.</p>}
        {backups && backups.length > 0 && (
          <ul class="backup-list">
            {backups.map((b) => (
              <li key={b.name}>
                <button
                  type="button"
                  class={`backup-row ${b.name === opened ? 'on' : ''}`}
                  aria-expanded={b.name === opened}
                  data-backup={b.name}
                  onClick={() => setOpened(b.name === opened ? undefined : b.name)}
                >
                  <b>{when(b.createdAt)}</b>
                  <span class="small">
                    {REASONS[b.reason] ?? b.reason} · {count(b.entries, NOUNS.entry)}
                    {b.unsent.length > 0 ? ` · ${count(b.unsent.length, NOUNS.entry)} never uploaded` : ''}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      {chosen && <BackupContents key={chosen.name} backup={chosen} />}
    </section>
  )
}

/** The entries of one backup, to look at and merge back. */
function BackupContents({ backup }: { backup: BackupInfo }) {
  const session = useSession()
  const action = useAction()
  const [entries, setEntries] = useState<BackupEntry[] | undefined>(undefined)
  const [selected, setSelected] = useState<Set<string>>(new Set(backup.unsent))
  const [looking, setLooking] = useState<{ id: string; entry: EntryData | undefined } | undefined>(undefined)
  const [asking, setAsking] = useState<'all' | 'selected' | undefined>(undefined)
  const [result, setResult] = useState<string | undefined>(undefined)
  useEffect(() => {
    let alive = true
    session
      .call('localBackupEntries', backup.name)
      .then((list) => alive && setEntries(list.filter((e) => !e.deleted)))
      .catch(() => {})
    return () => {
      alive = false
    }
  }, [session, backup.name])

  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected)
    if (on) next.add(id)
    else next.delete(id)
    setSelected(next)
  }
  const look = (id: string) =>
    action.run('Opening the entry', async () => {
      setLooking({ id, entry: await session.call('localBackupEntry', backup.name, id) })
    })
  const restore = (which: 'all' | 'selected') => {
    setAsking(undefined)
    const ids = which === 'all' ? undefined : [...selected]
    action.run('Restoring', async () => {
      const merged = await session.call('restoreLocalBackup', backup.name, ids)
      setResult(
        `Merged ${count(merged, NOUNS.entry)} from the backup of ${when(backup.createdAt)} into the diary.`,
      )
    })
  }
  const n = asking === 'all' ? (entries?.length ?? backup.entries) : selected.size
  return (
    <div class="card" data-testid="backup-contents">
      <b>Backup of {when(backup.createdAt)}</b>
      {!entries && <p class="small muted">Loading…</p>}
      {entries && (
        <ul class="backup-entries" aria-label="Entries in the backup">
          {entries.map((e) => {
            const s = readSummary(e.summary)
            const label = s ? `${formatDay(s.at)} ${formatTime(s.at)}` : e.id
            return (
              <li key={e.id} data-backup-entry={e.id}>
                <label class="check">
                  <input
                    type="checkbox"
                    checked={selected.has(e.id)}
                    onChange={(ev) => toggle(e.id, ev.currentTarget.checked)}
                  />
                  <span>
                    {label}
                    {s && ` · pain ${s.pain}`}
                    {e.unsent && <span class="badge">never uploaded</span>}
                    <span class="small muted block">{s?.words || 'No notes'}</span>
                  </span>
                </label>
                <button type="button" class="btn small-btn" onClick={() => look(e.id)}>
                  Look
                </button>
              </li>
            )
          })}
        </ul>
      )}
      <div class="btn-row">
        <button
          type="button"
          class="btn primary"
          disabled={!!action.busy || selected.size === 0}
          onClick={() => setAsking('selected')}
        >
          Merge selected into diary
        </button>
        <button type="button" class="btn" disabled={!!action.busy} onClick={() => setAsking('all')}>
          Merge whole backup
        </button>
      </div>
      {action.error && <p class="field-error">{action.error}</p>}
      {result && (
        <p role="status" data-testid="local-restore-result">
          {result}
        </p>
      )}
      {asking && (
        <Confirm
          title="Merge into the diary?"
          confirm="Merge"
          onCancel={() => setAsking(undefined)}
          onConfirm={() => restore(asking)}
        >
          <p>
            {count(n, NOUNS.entry)} of the backup {agree(n, 'is', 'are')} combined with the diary: what the
            backup holds is added to each entry, and nothing in the diary is removed. When sync is on, the
            result reaches your other devices.
          </p>
        </Confirm>
      )}
      {looking && (
        <Dialog
          title="Entry in the backup"
          onClose={() => setLooking(undefined)}
          actions={
            <button type="button" class="btn primary" onClick={() => setLooking(undefined)}>
              Close
            </button>
          }
        >
          {looking.entry ? <EntryView entry={looking.entry} /> : <p>This entry is not in the backup.</p>}
        </Dialog>
      )}
    </div>
  )
}

/** An entry, read only. */
function EntryView({ entry }: { entry: EntryData }) {
  return (
    <dl class="kv" data-testid="backup-entry-view">
      <dt>When</dt>
      <dd>
        {formatDay(entry.at)} {formatTime(entry.at)}
      </dd>
      <dt>Pain</dt>
      <dd>
        {entry.pain} / 10 · {painWord(entry.pain)}
      </dd>
      <dt>Where</dt>
      <dd>{entry.locations.join(', ') || '—'}</dd>
      <dt>Medications</dt>
      <dd>{entry.medications.map((m) => `${m.name} ${m.dose}`.trim()).join(', ') || '—'}</dd>
      <dt>Triggers</dt>
      <dd>{entry.triggers.join(', ') || '—'}</dd>
      <dt>Notes</dt>
      <dd class="notes-view">{entry.notes || '—'}</dd>
    </dl>
  )
}
