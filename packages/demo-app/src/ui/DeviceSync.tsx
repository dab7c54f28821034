/**
 * Settings → Cloud Services → Device Sync Services: every operation of device sync with the labels
 * of the product's help page, the device's sync state and the devices of the pool.
 */
import { useState } from 'preact/hooks'
import { go } from '../app/router.ts'
import { useSession } from '../app/session.ts'
import { POOL_ROOT } from '../device/pool-root.ts'
import { ActivateSync } from './ActivateSync.tsx'
import { Confirm, Dialog } from './Dialog.tsx'
import { PoolDevices, RenameDevice } from './device-sync-parts.tsx'
import { useDownloadMaster } from './download-master.tsx'
import { formatAgo, plural } from './format.ts'
import { ChangePassphraseDialog } from './passphrase-parts.tsx'
import { useAction } from './use-action.ts'

type Ask = 'upload' | 'off' | 'delete' | 'passphrase'

const STATE_LABEL = {
  inactive: 'Off',
  idle: 'Active',
  syncing: 'Syncing',
  offline: 'Offline',
  error: 'Needs attention',
  'needs-master': 'New master available',
} as const

/** The Device Sync Services screen. */
export function DeviceSync() {
  const session = useSession()
  const state = session.state.value
  const action = useAction()
  const [ask, setAsk] = useState<Ask | undefined>(undefined)
  const [activated, setActivated] = useState<'created' | 'joined' | undefined>(undefined)
  const download = useDownloadMaster()
  const sync = state?.sync
  const active = sync !== undefined && sync.state !== 'inactive'

  const changePassphrase = (passphrase: string) => {
    setAsk(undefined)
    action.run('Changing the sync passphrase', () => session.call('changePassphrase', passphrase))
  }

  const run = (what: Exclude<Ask, 'passphrase'>) => {
    setAsk(undefined)
    const tasks = {
      upload: ['Uploading the master', () => session.call('uploadMaster')],
      off: ['Turning off', () => session.call('deactivate')],
      delete: ['Deleting sync data', () => session.call('deleteAllSyncData')],
    } as const
    const [label, task] = tasks[what]
    action.run(label, task)
  }

  if (!state || !sync) return <div class="card muted">Loading…</div>
  return (
    <div data-testid="device-sync">
      <div class="card">
        <div style={{ display: 'flex', alignItems: 'center', gap: 10, marginBottom: 8 }}>
          <b style={{ flex: 1 }}>Sync status</b>
          <span class={`pill ${sync.state}`} data-testid="sync-state">
            {STATE_LABEL[sync.state]}
          </span>
        </div>
        <p style={{ margin: '0 0 10px' }} data-testid="sync-message">
          {sync.message}
        </p>
        {(sync.detail || state.retry) && (
          <details class="tech-details">
            <summary>Technical details</summary>
            {sync.detail && <p>{sync.detail}</p>}
            {state.retry && <p>Retrying: {state.retry}</p>}
          </details>
        )}
        {sync.progress && (
          <div class="progress" style={{ color: 'var(--brand)', marginBottom: 10 }}>
            <div
              style={{
                width: `${Math.round((sync.progress.done / Math.max(1, sync.progress.total)) * 100)}%`,
              }}
            />
          </div>
        )}
        <dl class="kv">
          <dt>Pending changes</dt>
          <dd data-testid="pending">
            {sync.pending === 0 ? 'None' : plural(sync.pending, 'entry', 'entries')}
          </dd>
          <dt>Last sync</dt>
          <dd>{formatAgo(sync.lastSyncAt)}</dd>
          <dt>Dropbox</dt>
          <dd>
            {state.linked ? (state.cloud === 'emulator' ? 'Linked (emulator)' : 'Linked') : 'Not linked'}
          </dd>
          {active && (
            <>
              <dt>Encryption</dt>
              <dd data-testid="encryption">{state.encrypted ? 'Encrypted' : 'Not encrypted'}</dd>
            </>
          )}
        </dl>
      </div>

      <RenameDevice />

      <div class="card">
        <div class="btn-stack">
          <ActivateSync off={!active} action={action} onActivated={setActivated} />
          {active && state.needsPassphrase && (
            <button
              type="button"
              class="btn primary block"
              disabled={!!action.busy}
              onClick={() => {
                session.askPassphrase.value = true
              }}
            >
              Enter passphrase
            </button>
          )}
          {active && sync.state === 'needs-master' && (
            <button
              type="button"
              class="btn primary block"
              disabled={!!action.busy || download.busy}
              onClick={download.ask}
            >
              Download Master DB to Device
            </button>
          )}
          {active && (
            <>
              <button
                type="button"
                class={`btn block ${sync.state === 'needs-master' || state.needsPassphrase ? '' : 'primary'}`}
                disabled={!!action.busy || sync.state === 'needs-master'}
                onClick={() => action.run('Synchronizing', () => session.call('syncNow'))}
              >
                Synchronize DB Now
              </button>
              <button
                type="button"
                class="btn block"
                disabled={!!action.busy}
                onClick={() => setAsk('upload')}
              >
                Upload Master DB to Cloud
              </button>
              {sync.state !== 'needs-master' && (
                <button
                  type="button"
                  class="btn block"
                  disabled={!!action.busy || download.busy}
                  onClick={download.ask}
                >
                  Download Master DB to Device
                </button>
              )}
              <button
                type="button"
                class="btn block"
                disabled={!!action.busy}
                onClick={() => setAsk('passphrase')}
              >
                Change Sync Passphrase
              </button>
              <button type="button" class="btn block" disabled={!!action.busy} onClick={() => setAsk('off')}>
                Turn Off Sync Services for Device
              </button>
            </>
          )}
          <button
            type="button"
            class="btn danger block"
            disabled={!!action.busy || !state.linked}
            onClick={() => setAsk('delete')}
          >
            Delete All Local &amp; Remote Sync Data
          </button>
        </div>
        {(action.busy || download.busy) && (
          <p class="small muted" style={{ marginBottom: 0 }}>
            {action.busy ?? 'Downloading the master'}…
          </p>
        )}
        {download.error && (
          <p class="small" role="alert" style={{ color: 'var(--danger)', marginBottom: 0 }}>
            {download.error}
          </p>
        )}
        {action.error && (
          <p
            class="small"
            role="alert"
            style={{ color: 'var(--danger)', marginBottom: 0 }}
            data-testid="action-error"
          >
            {action.error}
          </p>
        )}
      </div>

      <PoolDevices />

      {activated && (
        <Dialog
          icon="check"
          title="Sync Services are Now Active"
          onClose={() => setActivated(undefined)}
          actions={
            <>
              {activated === 'joined' && (
                <button
                  type="button"
                  class="btn"
                  onClick={() => {
                    setActivated(undefined)
                    download.ask()
                  }}
                >
                  Download Master DB to Device
                </button>
              )}
              <button
                type="button"
                class="btn primary"
                onClick={() => {
                  setActivated(undefined)
                  go({ name: 'settings' })
                }}
              >
                Return to Settings
              </button>
            </>
          }
        >
          {activated === 'created' ? (
            <p>
              This is your Primary device. A copy of its diary is being uploaded to your Dropbox as the
              starting point for your other devices. Activate Sync Services on each of them next
              {state.encrypted ? ', with the same passphrase.' : '.'}
            </p>
          ) : (
            <p>
              This device joined your sync pool; its entries were merged in and nothing was lost. To make this
              device's diary the same as your Primary device's, choose Download Master DB to Device.
            </p>
          )}
        </Dialog>
      )}
      {ask === 'passphrase' && (
        <ChangePassphraseDialog
          encrypted={state.encrypted}
          onCancel={() => setAsk(undefined)}
          onConfirm={changePassphrase}
        />
      )}
      {ask === 'upload' && (
        <Confirm
          title="Upload Master DB to Cloud?"
          confirm="Upload Master DB"
          onCancel={() => setAsk(undefined)}
          onConfirm={() => run('upload')}
        >
          <p>
            This device's diary becomes the new baseline in Dropbox. Your other devices will be asked to
            download it.
          </p>
        </Confirm>
      )}
      {download.dialogs}
      {ask === 'off' && (
        <Confirm
          title="Turn Off Sync Services for Device?"
          confirm="Turn Off"
          onCancel={() => setAsk(undefined)}
          onConfirm={() => run('off')}
        >
          <p>
            This device stops syncing and keeps its diary. Your other devices go on syncing between
            themselves.
          </p>
        </Confirm>
      )}
      {ask === 'delete' && (
        <Confirm
          title="Delete All Local & Remote Sync Data?"
          confirm="Delete All Sync Data"
          danger
          onCancel={() => setAsk(undefined)}
          onConfirm={() => run('delete')}
        >
          <p>This turns sync off for every device:</p>
          <ul>
            <li>
              <b>In Dropbox:</b> the sync folder <code>{POOL_ROOT}</code> with every device's sync data is
              deleted.
            </li>
            <li>
              <b>On this device:</b> sync is turned off and its sync state removed. Your diary entries stay.
            </li>
            <li>
              <b>On your other devices:</b> sync stops at their next contact; their diaries stay.
            </li>
          </ul>
          <p>This cannot be undone.</p>
        </Confirm>
      )}
    </div>
  )
}
