import {
  MemoryBlobStore,
  PassphraseError,
  type StatusReason,
  SyncState,
  YDropboxError,
} from '@y-dropbox/core'
import { describe, expect, it } from 'vitest'
import { parseLinkIntent } from '../src/cloud/cloud-link.ts'
import {
  asksForPassphrase,
  isPassphraseRequest,
  MIN_PASSPHRASE_LENGTH,
  needsPassphrase,
  poolEncryption,
} from '../src/device/passphrase.ts'
import { bannerFor } from '../src/ui/Banner.tsx'
import { enteredPassphraseProblem, newPassphraseProblem } from '../src/ui/passphrase-form.ts'

/** The engine's messages when a passphrase is wanted (as its status shows them). */
const ASKS = [
  'The sync data in Dropbox is encrypted: enter its passphrase to sync this device.',
  'The sync passphrase was changed on another device: enter the new passphrase to go on syncing.',
  'The passphrase is wrong for this sync pool; nothing was changed. Try again.',
]

describe('new passphrase form', () => {
  it('accepts a passphrase of 8 characters or more typed the same twice', () => {
    expect(newPassphraseProblem({ passphrase: 'correct horse', repeat: 'correct horse' })).toBeUndefined()
    const eight = 'x'.repeat(MIN_PASSPHRASE_LENGTH)
    expect(newPassphraseProblem({ passphrase: eight, repeat: eight })).toBeUndefined()
  })

  it('says what is wrong: empty, too short, only spaces, or the two fields differ', () => {
    expect(newPassphraseProblem({ passphrase: '', repeat: '' })).toBe('Choose a passphrase.')
    expect(newPassphraseProblem({ passphrase: 'seven77', repeat: 'seven77' })).toMatch(
      /at least 8 characters/,
    )
    expect(newPassphraseProblem({ passphrase: '         ', repeat: '         ' })).toMatch(/only spaces/)
    expect(newPassphraseProblem({ passphrase: 'correct horse', repeat: 'correct hose' })).toMatch(/differ/)
    // Length is checked before the repeat: the first thing to fix comes first.
    expect(newPassphraseProblem({ passphrase: 'short', repeat: '' })).toMatch(/at least 8/)
  })

  it('asks only for something when an existing passphrase is entered (the engine judges it)', () => {
    expect(enteredPassphraseProblem('')).toBe('Enter the passphrase.')
    expect(enteredPassphraseProblem('short')).toBeUndefined()
  })
})

describe('passphrase requests from the engine', () => {
  it('recognises the messages that ask for the passphrase, and no others', () => {
    for (const message of ASKS) expect(asksForPassphrase(message)).toBe(true)
    expect(asksForPassphrase('Dropbox access was revoked or has expired. Link Dropbox again.')).toBe(false)
    expect(
      asksForPassphrase(
        'The sync data in Dropbox is no longer encrypted, but this device encrypts it; sync stopped.',
      ),
    ).toBe(false)
  })

  it('needs a passphrase only in the error state', () => {
    const status = (state: SyncState, reason: StatusReason, detail: string) => ({
      state,
      reason,
      message: detail,
      detail,
      pending: 0,
    })
    expect(needsPassphrase(status(SyncState.error, 'passphrase', ASKS[1]!))).toBe(true)
    expect(needsPassphrase(status(SyncState.syncing, 'passphrase', ASKS[1]!))).toBe(false)
    expect(needsPassphrase(status(SyncState.error, 'storage-full', 'Your Dropbox is full.'))).toBe(false)
  })

  it('tells passphrase requests from other errors, also when carried back from the syncing tab', () => {
    expect(isPassphraseRequest(new PassphraseError('the passphrase is wrong for this sync pool'))).toBe(true)
    expect(isPassphraseRequest(Object.assign(new Error(ASKS[0]!), { name: 'PassphraseError' }))).toBe(true)
    expect(isPassphraseRequest(new PassphraseError('a sync passphrase needs at least 8 characters'))).toBe(
      false,
    )
    expect(isPassphraseRequest(new YDropboxError('enter its passphrase'))).toBe(false)
    expect(isPassphraseRequest('enter its passphrase')).toBe(false)
  })

  it('puts "Enter passphrase" in the banner when sync waits for it', () => {
    const view = bannerFor({
      sync: {
        state: SyncState.error,
        reason: 'passphrase',
        message: ASKS[1]!,
        detail: ASKS[1]!,
        pending: 0,
      },
      linked: true,
      deviceName: 'Tablet',
      cloud: 'emulator',
      encrypted: true,
      needsPassphrase: true,
    })
    expect(view).toMatchObject({ kind: 'error', text: ASKS[1], action: 'enter-passphrase' })
  })
})

describe('pool encryption probe and link intents', () => {
  const put = (store: MemoryBlobStore, text: string) =>
    store.put('/pain-diary/pool.json', new TextEncoder().encode(text), 'overwrite')

  it('reads whether pool.json asks for encryption', async () => {
    const store = new MemoryBlobStore()
    expect(await poolEncryption(store, '/pain-diary')).toBe('none')
    await put(store, JSON.stringify({ format: 1, poolId: 'p' }))
    expect(await poolEncryption(store, '/pain-diary')).toBe('plain')
    await put(store, JSON.stringify({ format: 1, poolId: 'p', encryption: { kdf: 'PBKDF2-SHA256' } }))
    expect(await poolEncryption(store, '/pain-diary')).toBe('encrypted')
  })

  it('leaves a damaged pool.json to the engine', async () => {
    const store = new MemoryBlobStore()
    await put(store, '{ not json')
    expect(await poolEncryption(store, '/pain-diary')).toBe('unknown')
    await put(store, 'null')
    expect(await poolEncryption(store, '/pain-diary')).toBe('unknown')
  })

  it('reads a stored link intent, treating anything unknown as a plain link', () => {
    expect(parseLinkIntent('activate')).toBe('activate')
    expect(parseLinkIntent('activate-encrypted')).toBe('activate-encrypted')
    expect(parseLinkIntent('something else')).toBe('link')
    expect(parseLinkIntent(null)).toBe('link')
  })
})
