/**
 * "Activate Sync Services" on Device Sync Services, while sync is off: the optional encryption
 * choice, linking Dropbox first when needed, and the passphrase request of a device joining an
 * encrypted pool. The activation runs in the syncing tab like every device operation.
 */
import { useEffect, useState } from 'preact/hooks'
import { useSession } from '../app/session.ts'
import type { ActivateOptions } from '../device/device-api.ts'
import { isPassphraseRequest } from '../device/passphrase.ts'
import { EMPTY_NEW_PASSPHRASE, type NewPassphrase, newPassphraseProblem } from './passphrase-form.ts'
import { EncryptChoice, NewPassphraseFields, PassphraseDialog } from './passphrase-parts.tsx'
import type { Action } from './use-action.ts'
import { errorMessage } from './use-action.ts'

/** Props of {@link ActivateSync}. */
export interface ActivateSyncProps {
  /**
   * Whether sync is off, so there is something to activate. The component stays mounted while sync
   * is on: an activation shows the device as syncing while it runs, and the passphrase request
   * must outlive that.
   */
  off: boolean
  /** The screen's action runner (one operation at a time, its failure shown below the buttons). */
  action: Action
  /** Sync is on: `created` on the first device, `joined` on the others. */
  onActivated: (outcome: 'created' | 'joined') => void
}

/** The activation part of the Device Sync Services screen. */
export function ActivateSync({ off, action, onActivated }: ActivateSyncProps) {
  const session = useSession()
  const linked = session.state.value?.linked ?? false
  // Read while rendering, so the screen renders again when the intent arrives.
  const intent = session.linkIntent.value
  const [encrypt, setEncrypt] = useState(false)
  const [fields, setFields] = useState(EMPTY_NEW_PASSPHRASE)
  const [problem, setProblem] = useState<string | undefined>(undefined)
  /** Set while the pool turned out to be encrypted: the message to open the dialog with ('' for none). */
  const [asking, setAsking] = useState<string | undefined>(undefined)
  const [backFromDropbox, setBackFromDropbox] = useState(false)

  const run = (options: ActivateOptions, encrypted: boolean) =>
    action.run('Activating', async () => {
      if (!linked) {
        await session.cloud.beginLink(encrypted ? 'activate-encrypted' : 'activate')
        return
      }
      try {
        done(await session.call('activate', options))
      } catch (error) {
        if (!isPassphraseRequest(error)) throw error
        // The pool is encrypted: ask for its passphrase; a wrong one tried already is said at once.
        setAsking(options.passphrase === undefined ? '' : errorMessage(error))
      }
    })

  // Once a problem shows, it follows the typing, so it goes away when fixed.
  const change = (value: NewPassphrase) => {
    setFields(value)
    if (problem) setProblem(newPassphraseProblem(value))
  }

  const done = (outcome: 'created' | 'joined') => {
    setAsking(undefined)
    setFields(EMPTY_NEW_PASSPHRASE)
    setBackFromDropbox(false)
    onActivated(outcome)
  }

  const activate = () => {
    setBackFromDropbox(false)
    if (!encrypt) return run({}, false)
    // The passphrase is not kept across the trip to Dropbox's approve page: ask for it when back.
    if (!linked) return run({}, true)
    const found = newPassphraseProblem(fields)
    setProblem(found)
    if (!found) run({ passphrase: fields.passphrase }, true)
  }

  // Back from Dropbox's approve page with activation in mind: carry on, or ask for the passphrase.
  useEffect(() => {
    if ((intent !== 'activate' && intent !== 'activate-encrypted') || !linked) return
    session.linkIntent.value = undefined
    if (intent === 'activate') {
      run({}, false)
    } else {
      setEncrypt(true)
      setBackFromDropbox(true)
    }
  })

  const dialog = asking !== undefined && (
    <PassphraseDialog
      title="Your Sync Data is Encrypted"
      confirm="Join"
      initialError={asking || undefined}
      onCancel={() => setAsking(undefined)}
      onSubmit={async (passphrase) => done(await session.call('activate', { passphrase }))}
    >
      <p>
        Your diary's sync data in Dropbox is encrypted with a passphrase. Enter the passphrase chosen when
        sync was turned on with encryption to join; nothing changes on this device or in Dropbox until it is
        right.
      </p>
    </PassphraseDialog>
  )
  // The dialog keeps its place in the tree whether or not the card shows, so it is never remounted.
  return (
    <>
      {off && (
        <>
          <p class="small muted" style={{ margin: 0 }}>
            Start with the device that has your most up-to-date diary: it becomes your Primary device and its
            diary the starting point for the others.
            {linked ? '' : ' You will be asked to link Dropbox first.'}
          </p>
          <EncryptChoice
            chosen={encrypt}
            onChoose={(chosen) => {
              setEncrypt(chosen)
              setProblem(undefined)
            }}
          >
            {linked ? (
              <>
                {backFromDropbox && (
                  <p class="small" role="status" data-testid="passphrase-again" style={{ marginTop: 0 }}>
                    Dropbox is linked. The passphrase is never stored, so type it here, then tap Activate Sync
                    Services.
                  </p>
                )}
                <NewPassphraseFields value={fields} onChange={change} problem={problem} />
              </>
            ) : (
              <p class="small" style={{ margin: 0 }}>
                You choose the passphrase once Dropbox is linked.
              </p>
            )}
          </EncryptChoice>
          <button type="button" class="btn primary block" disabled={!!action.busy} onClick={activate}>
            Activate Sync Services
          </button>
        </>
      )}
      {dialog}
    </>
  )
}
