/**
 * The diary's words for the engine's statuses, written for a patient rather than an engineer: each
 * says what happened, whether the diary is safe, what happens next and whether to do anything,
 * naming this app's buttons. The technical side (the engine's `detail`) is shown apart, one tap away.
 * Counts go through `Intl.PluralRules` (see `model/plural.ts`).
 */
import type { StatusFacts, SyncWordsOverride } from '@y-dropbox/core'
import { agree, count, NOUNS } from '../model/plural.ts'

/** Where a local backup is found in the app. */
export const BACKUPS_PLACE = 'Settings › Backup & Restore › Backups on this device'

/** "Your 2 changes wait on this device and upload when …": the unsent changes, or nothing. */
function unsent(f: StatusFacts, then: string): string {
  if (f.pending <= 0) return ''
  return ` Your ${count(f.pending, NOUNS.change)} ${agree(f.pending, 'waits', 'wait')} on this device and ${agree(f.pending, 'uploads', 'upload')} ${then}.`
}

/** Which passphrase problem the engine's detail describes. */
function passphraseProblem(detail: string | undefined): 'changed' | 'wrong' | 'needed' {
  if (/changed/i.test(detail ?? '')) return 'changed'
  if (/wrong/i.test(detail ?? '')) return 'wrong'
  return 'needed'
}

/** Passed to `SyncEngine.open` as `words`. */
export const diaryWords: SyncWordsOverride = {
  reasons: {
    off: () => 'Sync is off on this device. Your diary is saved here only.',
    'deleted-here': (f) =>
      `Sync is off. All sync data was deleted from ${f.service}; your diary stays on this device.`,
    'pool-deleted': (f) =>
      `Sync stopped: the sync data in ${f.service} was deleted (from another device, or by hand). ` +
      'Your diary is safe on this device. To sync again, tap Activate Sync Services.',
    'pool-replaced': () =>
      'Sync stopped: another device deleted the sync data and started a new sync pool. Your diary is ' +
      'safe on this device. To join the new pool, tap Activate Sync Services.',
    activating: () => 'Turning on sync…',
    uploading: (f) => `Uploading ${count(f.pending, NOUNS.change)}…`,
    checking: () => 'Checking for changes…',
    'downloading-master': () => 'Downloading the master database…',
    'uploading-master': () => 'Uploading the master database…',
    're-encrypting': () => 'Encrypting your diary with the new passphrase…',
    'up-to-date': () => 'Up to date',
    'waiting-to-upload': (f) =>
      `Saved on this device; ${count(f.pending, NOUNS.change)} ${agree(f.pending, 'waits', 'wait')} to upload.`,
    'needs-master': (f) => {
      const from = f.master?.by ?? 'another device'
      const when = f.master ? ` on ${new Date(f.master.at).toLocaleString()}` : ''
      const keep =
        f.pending > 0
          ? ` Your ${count(f.pending, NOUNS.change)} not yet uploaded ${agree(f.pending, 'is', 'are')} then kept in a backup on this device.`
          : ''
      return `${from} uploaded a new master database${when}. Tap Download Master DB to Device to keep syncing.${keep}`
    },
    offline: (f) =>
      f.pending > 0
        ? `No connection to ${f.service}. Your entries are saved on this device and will upload when you're back online.`
        : `No connection to ${f.service}. Your diary is saved on this device; sync resumes when you're back online.`,
    'rate-limited': (f) => {
      const s = Math.max(1, Math.ceil((f.retryInMs ?? 0) / 1000))
      return `${f.service} asked this app to slow down. Your diary is safe on this device; sync tries again in ${count(s, NOUNS.second)}.`
    },
    'access-revoked': (f) =>
      `This device lost access to ${f.service}. Your diary is safe here; link ${f.service} again in ` +
      `Settings › Cloud Services to keep syncing.${unsent(f, 'then')}`,
    'storage-full': (f) =>
      `Your ${f.service} is full, so nothing can upload. Your diary is safe on this device; free some space ` +
      `in ${f.service} and sync resumes by itself.${unsent(f, 'then')}`,
    passphrase: (f) => {
      const problem = passphraseProblem(f.detail)
      const what =
        problem === 'changed'
          ? 'Your sync passphrase was changed on another device. Enter the new passphrase to keep syncing.'
          : problem === 'wrong'
            ? 'That sync passphrase is wrong. Enter the passphrase chosen when sync was turned on.'
            : 'Your sync data is encrypted. Enter its passphrase to keep syncing.'
      return `${what} Your diary is safe on this device.${unsent(f, 'then')}`
    },
    'update-app': () =>
      'Your sync data was written by a newer version of this app. Your diary is safe here; update the app to keep syncing.',
    damaged: (f) =>
      `Sync stopped to protect your diary: some sync data in ${f.service} is damaged. Your entries are safe on ` +
      'this device. Upload Master DB to Cloud from your most up-to-date device to repair it.',
    conflict: () =>
      'Another device changed the sync data at the same moment, so nothing was changed here. Please try again.',
    'store-in-use': () =>
      'This diary is open in another tab or window, which syncs it. Close that one, or use it instead.',
    refused: (f) => `That cannot be done now: ${f.detail ?? 'the sync data does not allow it'}.`,
    unexpected: () =>
      'Sync stopped on an unexpected problem. Your diary is safe on this device; sync tries again later.',
  },
  notes: {
    'damaged-files': (n) =>
      `${count(n.count, NOUNS.file)} of the sync data ${agree(n.count, 'is', 'are')} damaged and ${agree(n.count, 'was', 'were')} skipped; your diary is safe.`,
    'damaged-file': () => 'A damaged sync file was skipped; your diary is safe and sync goes on.',
    'lost-files': (n, f) =>
      `${count(n.count, NOUNS.file)} of another device went missing from ${f.service} before arriving here; ` +
      'some of its changes may be missing. Upload Master DB to Cloud from that device brings them back.',
    'device-held-back': () => 'Changes from one device wait until this app is updated; your diary is safe.',
    'chore-failing': () => 'Some tidying of the sync data keeps failing; sync goes on.',
    'edits-kept': (n) =>
      `What you typed into ${count(n.ids.length, NOUNS.entry)} after the master download ${agree(n.ids.length, 'is', 'are')} kept in a backup on this device: ${BACKUPS_PLACE}.`,
  },
}
