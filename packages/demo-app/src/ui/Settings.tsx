/** Settings: the way to Cloud Services, backups, sample data and what this tab is. */

import { useState } from 'preact/hooks'
import { useSession } from '../app/session.ts'
import { Confirm } from './Dialog.tsx'
import { Icon } from './icons.tsx'
import { useAction } from './use-action.ts'

/** The settings screen. */
export function Settings() {
  const session = useSession()
  const state = session.state.value
  const action = useAction()
  const [askLarge, setAskLarge] = useState(false)
  const addSamples = (count: number) =>
    action.run(`Adding ${count} sample entries`, async () => {
      await session.call('addSamples', count)
    })
  return (
    <div>
      <div class="section-title">Sync and backup</div>
      <nav class="menu" aria-label="Sync and backup">
        <a href="#/settings/cloud">
          <span class="ico">
            <Icon name="cloud" />
          </span>
          <span class="grow">
            Cloud Services
            <div class="small muted">
              {state?.linked ? 'Dropbox linked' : 'Dropbox not linked'} · Device Sync{' '}
              {state && state.sync.state !== 'inactive' ? 'on' : 'off'}
            </div>
          </span>
          <span class="chev">›</span>
        </a>
        <a href="#/settings/backup">
          <span class="ico">
            <Icon name="backup" />
          </span>
          <span class="grow">
            Backup &amp; Restore
            <div class="small muted">Save the whole diary to a file, or restore one</div>
          </span>
          <span class="chev">›</span>
        </a>
        <a href="#/report">
          <span class="ico">
            <Icon name="print" />
          </span>
          <span class="grow">
            Printable report
            <div class="small muted">Pain over time, for your doctor (print or save as PDF)</div>
          </span>
          <span class="chev">›</span>
        </a>
      </nav>
      <div class="section-title">Sample data</div>
      <div class="card">
        <p class="small muted" style={{ marginTop: 0 }}>
          Fill the diary with made-up entries to try searching, reports and sync with a large diary.
        </p>
        <div class="btn-row">
          <button type="button" class="btn" disabled={!!action.busy} onClick={() => addSamples(20)}>
            Add 20 sample entries
          </button>
          <button type="button" class="btn" disabled={!!action.busy} onClick={() => setAskLarge(true)}>
            Add 10,000 sample entries
          </button>
        </div>
        {action.error && (
          <p class="small" style={{ color: 'var(--danger)' }}>
            {action.error}
          </p>
        )}
      </div>
      <div class="section-title">This device</div>
      <div class="card">
        <dl class="kv">
          <dt>Device profile</dt>
          <dd>{session.profile.device}</dd>
          <dt>Name in the sync pool</dt>
          <dd>{state?.deviceName ?? '…'}</dd>
          <dt>Dropbox</dt>
          <dd>{state?.cloud === 'dropbox' ? 'dropbox.com' : 'Local emulator'}</dd>
          <dt>This tab</dt>
          <dd>{session.isLeader.value ? 'Syncs this device' : 'Follows the syncing tab'}</dd>
        </dl>
      </div>
      {askLarge && (
        <Confirm
          title="Add 10,000 sample entries?"
          confirm="Add entries"
          onCancel={() => setAskLarge(false)}
          onConfirm={() => {
            setAskLarge(false)
            addSamples(10_000)
          }}
        >
          <p>
            This takes a little while. When sync is on, the entries are uploaded to Dropbox and reach your
            other devices.
          </p>
        </Confirm>
      )}
    </div>
  )
}
