/**
 * The sync passphrase on screen: the encryption choice at activation, the dialog that asks for
 * the passphrase of an encrypted pool, and the dialog that sets a new one. Passphrases live only
 * in these components' state while typed, and are handed straight to the syncing tab.
 */
import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import { useSession } from '../app/session.ts'
import { Dialog } from './Dialog.tsx'
import {
  EMPTY_NEW_PASSPHRASE,
  ENCRYPTION_PROMISE,
  enteredPassphraseProblem,
  type NewPassphrase,
  newPassphraseProblem,
} from './passphrase-form.ts'
import { errorMessage } from './use-action.ts'

/** Props of {@link NewPassphraseFields}. */
export interface NewPassphraseFieldsProps {
  /** The fields' text. */
  value: NewPassphrase
  /** Called on every keystroke. */
  onChange: (value: NewPassphrase) => void
  /** A problem to show under the fields. */
  problem: string | undefined
}

/** A new passphrase, typed twice. */
export function NewPassphraseFields({ value, onChange, problem }: NewPassphraseFieldsProps) {
  return (
    <div class="passphrase-fields">
      <div class="field">
        <label for="new-passphrase">Passphrase</label>
        <input
          id="new-passphrase"
          class="input"
          type="password"
          autocomplete="new-password"
          value={value.passphrase}
          onInput={(e) => onChange({ ...value, passphrase: e.currentTarget.value })}
        />
      </div>
      <div class="field">
        <label for="repeat-passphrase">Repeat passphrase</label>
        <input
          id="repeat-passphrase"
          class="input"
          type="password"
          autocomplete="new-password"
          value={value.repeat}
          onInput={(e) => onChange({ ...value, repeat: e.currentTarget.value })}
        />
      </div>
      {problem && (
        <p class="small field-error" role="alert" data-testid="passphrase-problem">
          {problem}
        </p>
      )}
    </div>
  )
}

/** Props of {@link EncryptChoice}. */
export interface EncryptChoiceProps {
  /** Whether encryption is chosen. */
  chosen: boolean
  /** Called when the box is ticked or unticked. */
  onChoose: (chosen: boolean) => void
  /** Shown below while encryption is chosen (the passphrase fields). */
  children: ComponentChildren
}

/** "Encrypt my diary with a passphrase" (off by default), with what it protects. */
export function EncryptChoice({ chosen, onChoose, children }: EncryptChoiceProps) {
  return (
    <div class="encrypt-choice">
      <label class="check-row">
        <input type="checkbox" checked={chosen} onChange={(e) => onChoose(e.currentTarget.checked)} />
        Encrypt my diary with a passphrase
      </label>
      <p class="small muted" style={{ margin: '4px 0 0' }}>
        {ENCRYPTION_PROMISE}
      </p>
      {chosen && <div style={{ marginTop: 14 }}>{children}</div>}
    </div>
  )
}

/** Props of {@link PassphraseDialog}. */
export interface PassphraseDialogProps {
  /** Heading. */
  title: string
  /** Why the passphrase is asked for. */
  children: ComponentChildren
  /** Label of the confirming button. */
  confirm: string
  /** A message to show at once (e.g. the passphrase already tried was wrong). */
  initialError?: string | undefined
  /** Uses the passphrase; a rejection is shown in the dialog, which stays open. */
  onSubmit: (passphrase: string) => Promise<void>
  /** Cancelled. */
  onCancel: () => void
}

/** Asks for the passphrase of an encrypted pool; a wrong one is reported inline and changes nothing. */
export function PassphraseDialog({
  title,
  children,
  confirm,
  initialError,
  onSubmit,
  onCancel,
}: PassphraseDialogProps) {
  const [passphrase, setPassphrase] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>(initialError)
  const submit = (e: Event) => {
    e.preventDefault()
    if (busy) return
    const problem = enteredPassphraseProblem(passphrase)
    setError(problem)
    if (problem) return
    setBusy(true)
    onSubmit(passphrase).then(
      () => setBusy(false),
      (failure: unknown) => {
        setBusy(false)
        setError(errorMessage(failure))
      },
    )
  }
  return (
    <Dialog
      icon="lock"
      title={title}
      onClose={busy ? undefined : onCancel}
      actions={
        <>
          <button type="button" class="btn" disabled={busy} onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" form="enter-passphrase" class="btn primary" disabled={busy}>
            {busy ? 'Checking…' : confirm}
          </button>
        </>
      }
    >
      <form id="enter-passphrase" onSubmit={submit}>
        {children}
        <div class="field" style={{ marginBottom: 0 }}>
          <label for="passphrase">Sync passphrase</label>
          <input
            id="passphrase"
            class="input"
            type="password"
            autocomplete="current-password"
            autoFocus
            value={passphrase}
            onInput={(e) => setPassphrase(e.currentTarget.value)}
          />
        </div>
        {error && (
          <p class="small field-error" role="alert" data-testid="passphrase-error">
            {error}
          </p>
        )}
      </form>
    </Dialog>
  )
}

/** The passphrase request of a device whose sync waits for it: unlocks, then sync goes on. */
export function UnlockDialog() {
  const session = useSession()
  if (!session.askPassphrase.value) return null
  const close = () => {
    session.askPassphrase.value = false
  }
  return (
    <PassphraseDialog
      title="Enter Sync Passphrase"
      confirm="Unlock"
      onCancel={close}
      onSubmit={async (passphrase) => {
        await session.call('unlock', passphrase)
        close()
      }}
    >
      <p>
        Your diary's sync data in Dropbox is encrypted with a passphrase this device does not have yet: it was
        set or changed on another device. Enter it to go on syncing; if a new master copy was made with it,
        this device then offers to download it.
      </p>
    </PassphraseDialog>
  )
}

/** Props of {@link ChangePassphraseDialog}. */
export interface ChangePassphraseDialogProps {
  /** Whether the pool is encrypted now. */
  encrypted: boolean
  /** Confirmed with a valid new passphrase. */
  onConfirm: (passphrase: string) => void
  /** Cancelled. */
  onCancel: () => void
}

/** Asks for a new sync passphrase and says what changing it means for the other devices. */
export function ChangePassphraseDialog({ encrypted, onConfirm, onCancel }: ChangePassphraseDialogProps) {
  const [value, setValue] = useState(EMPTY_NEW_PASSPHRASE)
  const [problem, setProblem] = useState<string | undefined>(undefined)
  const submit = (e: Event) => {
    e.preventDefault()
    const found = newPassphraseProblem(value)
    setProblem(found)
    if (!found) onConfirm(value.passphrase)
  }
  return (
    <Dialog
      title="Change Sync Passphrase?"
      onClose={onCancel}
      actions={
        <>
          <button type="button" class="btn" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" form="change-passphrase" class="btn primary">
            Change Passphrase
          </button>
        </>
      }
    >
      <form id="change-passphrase" onSubmit={submit}>
        <p>
          {encrypted
            ? "This device's diary becomes a new master copy in Dropbox, encrypted with the new passphrase."
            : "This device's diary becomes a new master copy in Dropbox, encrypted with this passphrase."}{' '}
          Each of your other devices will ask for the new passphrase, then to Download Master DB to Device;
          changes they have not uploaded yet are kept in a local backup there.
        </p>
        <p class="small muted">{ENCRYPTION_PROMISE}</p>
        <NewPassphraseFields
          value={value}
          onChange={(next) => {
            setValue(next)
            if (problem) setProblem(newPassphraseProblem(next))
          }}
          problem={problem}
        />
      </form>
    </Dialog>
  )
}
