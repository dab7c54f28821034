/**
 * What the passphrase forms check before anything is sent to the syncing tab. The engine checks
 * again (and is the judge of a passphrase being right); these only catch typing mistakes early.
 */
import { MIN_PASSPHRASE_LENGTH } from '../device/passphrase.ts'

/** A new passphrase as typed: twice, so a typing mistake does not lock the user out. */
export interface NewPassphrase {
  /** The passphrase. */
  passphrase: string
  /** The same, typed again. */
  repeat: string
}

/** Both fields empty. */
export const EMPTY_NEW_PASSPHRASE: NewPassphrase = { passphrase: '', repeat: '' }

/** What the encryption choice protects, and that a lost passphrase is lost for good. */
export const ENCRYPTION_PROMISE =
  'Your entries are encrypted on this device before they reach Dropbox, so neither Dropbox nor anyone ' +
  'who gets into your Dropbox can read them; a lost passphrase cannot be recovered by anyone.'

/** Why a new passphrase cannot be used, or `undefined` when it can. */
export function newPassphraseProblem({ passphrase, repeat }: NewPassphrase): string | undefined {
  if (passphrase === '') return 'Choose a passphrase.'
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    return `The passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters; longer is safer.`
  }
  if (passphrase.trim() === '') return 'The passphrase cannot be only spaces.'
  if (repeat !== passphrase) return 'The two passphrases differ: type the same passphrase in both fields.'
  return undefined
}

/** Why an entered passphrase (of an existing pool) cannot be sent, or `undefined` when it can. */
export function enteredPassphraseProblem(passphrase: string): string | undefined {
  return passphrase === '' ? 'Enter the passphrase.' : undefined
}
