/** Settings → Cloud Services: the Dropbox link and the way to Device Sync Services. */
import { useState } from 'preact/hooks'
import { useSession } from '../app/session.ts'
import { Confirm } from './Dialog.tsx'
import { Icon } from './icons.tsx'
import { useAction } from './use-action.ts'

/** The Cloud Services screen. */
export function CloudServices() {
  const session = useSession()
  const state = session.state.value
  const action = useAction()
  const [askUnlink, setAskUnlink] = useState(false)
  const active = state !== undefined && state.sync.state !== 'inactive'
  return (
    <div>
      <div class="section-title">Dropbox</div>
      <div class="card">
        <p style={{ marginTop: 0 }}>
          {state?.linked ? (
            <>
              <b>Dropbox is linked</b> on this device
              {state.cloud === 'emulator' ? ' (local Dropbox emulator).' : '.'}
            </>
          ) : (
            <>
              Link your Dropbox account to keep your diary in sync between your devices. The diary is stored
              in the app's own folder in your Dropbox.
            </>
          )}
        </p>
        {state?.linked ? (
          <button
            type="button"
            class="btn danger"
            disabled={!!action.busy}
            onClick={() => setAskUnlink(true)}
          >
            Unlink Dropbox
          </button>
        ) : (
          <button
            type="button"
            class="btn primary"
            disabled={!!action.busy || !state}
            onClick={() => action.run('Linking', () => session.cloud.beginLink('link'))}
          >
            Link Dropbox
          </button>
        )}
        {(action.error ?? session.linkError.value) && (
          <p class="small" role="alert" style={{ color: 'var(--danger)' }}>
            {action.error ?? session.linkError.value}
          </p>
        )}
      </div>
      <div class="section-title">Sync</div>
      <nav class="menu" aria-label="Sync">
        <a href="#/settings/cloud/sync">
          <span class="ico">
            <Icon name="sync" />
          </span>
          <span class="grow">
            Device Sync Services
            <div class="small muted">{active ? 'On for this device' : 'Off for this device'}</div>
          </span>
          <span class="chev">›</span>
        </a>
      </nav>
      {askUnlink && (
        <Confirm
          title="Unlink Dropbox?"
          confirm="Unlink Dropbox"
          danger
          onCancel={() => setAskUnlink(false)}
          onConfirm={() => {
            setAskUnlink(false)
            action.run('Unlinking', () => session.call('unlink'))
          }}
        >
          <p>
            This device stops using your Dropbox
            {active ? ' and Device Sync Services are turned off here' : ''}. Your diary stays on this device,
            and the sync data in Dropbox stays for your other devices.
          </p>
        </Confirm>
      )}
    </div>
  )
}
