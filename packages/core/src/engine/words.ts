/**
 * Every sentence the engine shows a user, in one place: one function per
 * status reason, per note and per progress step. The defaults are plain
 * English and name no storage service: they say "cloud storage", or the
 * store's own `serviceName` (the Dropbox provider says "Dropbox"). An app
 * passes `words` to `SyncEngine.open` to replace any of them (its own tone,
 * its language, its button labels).
 */
import type { BlobStore } from '../blob-store.ts'
import type { Chore, ProgressStep, StatusNote, StatusReason, SyncStatus } from './status.ts'

/** The storage as users know it: the store's `serviceName`, or "cloud storage". */
export function serviceName(remote: BlobStore): string {
  return remote.serviceName ?? 'cloud storage'
}

/** What a sentence is made from: the status without its message, and the storage's name. */
export type StatusFacts = Omit<SyncStatus, 'message'> & {
  /** The storage as users know it: the store's `serviceName`, or `'cloud storage'`. */
  service: string
}

/** The words of every status, note and progress step. */
export interface SyncWords {
  /** The sentence for each reason. */
  reasons: { [R in StatusReason]: (facts: StatusFacts) => string }
  /** The sentence for each note, appended to the message. */
  notes: { [K in StatusNote['kind']]: (note: Extract<StatusNote, { kind: K }>, facts: StatusFacts) => string }
  /** The name of each progress step. */
  steps: { [S in ProgressStep]: string }
}

/** Words to replace: any reason, note or step left out keeps the default. */
export interface SyncWordsOverride {
  /** Sentences of reasons to replace. */
  reasons?: Partial<SyncWords['reasons']>
  /** Sentences of notes to replace. */
  notes?: Partial<SyncWords['notes']>
  /** Names of progress steps to replace. */
  steps?: Partial<SyncWords['steps']>
}

/** "1 change" / "3 changes". */
export function changes(n: number): string {
  return `${n} ${n === 1 ? 'change' : 'changes'}`
}

/** " 3 changes will upload then.", or nothing when nothing is pending. */
const willUpload = (f: StatusFacts) => (f.pending > 0 ? ` ${changes(f.pending)} will upload then.` : '')

const chores: Record<Chore, string> = {
  'device-record': 'The device list in the sync folder could not be updated; syncing goes on.',
  compaction: 'Compacting the sync data failed; syncing goes on and it is tried again later.',
  summaries: 'Entry summaries could not be refreshed; syncing goes on.',
  'garbage-collection': 'Old sync files could not be removed; syncing goes on and it is tried again later.',
}

/** The default words. */
export const defaultWords: SyncWords = {
  reasons: {
    off: () => 'Sync is off on this device',
    'deleted-here': (f) => `Sync is off. All sync data was deleted from ${f.service}.`,
    'pool-deleted': (f) =>
      `Sync was turned off: the sync data in ${f.service} was deleted (from another device, or by hand). ` +
      'Your data stays on this device; activate sync to start again.',
    'pool-replaced': () =>
      'Sync was turned off: the sync data this device used was deleted on another device, which started ' +
      'a new sync pool. Your data stays on this device; activate sync to join the new pool.',
    activating: () => 'Activating sync…',
    uploading: (f) => `Uploading ${changes(f.pending)}…`,
    checking: () => 'Checking for changes…',
    'downloading-master': () => 'Downloading the master database…',
    'uploading-master': () => 'Uploading the master database…',
    're-encrypting': () => 'Re-encrypting the sync data…',
    'up-to-date': () => 'Up to date',
    'waiting-to-upload': (f) => `${changes(f.pending)} waiting to upload`,
    'needs-master': (f) => {
      const when = new Date(f.master?.at ?? 0).toLocaleString()
      const keep = f.pending > 0 ? ` Your ${changes(f.pending)} not yet uploaded stay on this device.` : ''
      return `A new master database was uploaded from ${f.master?.by ?? 'another device'} on ${when}. Download the master database to continue syncing.${keep}`
    },
    offline: (f) => `Cannot reach ${f.service}; retrying.${willUpload(f)}`,
    'rate-limited': (f) =>
      `${capitalise(f.service)} asked to slow down; retrying in ${Math.max(1, Math.ceil((f.retryInMs ?? 0) / 1000))} s`,
    'access-revoked': (f) =>
      `Access to ${f.service} was revoked or has expired. Link ${f.service} again to resume syncing.${willUpload(f)}`,
    'storage-full': (f) =>
      `Your ${f.service} is full. Free some space in ${f.service}; syncing resumes by itself.${willUpload(f)}`,
    passphrase: (f) => `${capitalise(f.detail ?? 'the sync passphrase is needed')}.${willUpload(f)}`,
    'update-app': (f) => `${capitalise(f.detail ?? 'the sync data needs a newer version of this app')}.`,
    damaged: (f) => `Sync data in ${f.service} is damaged: ${f.detail ?? 'unreadable file'}.`,
    conflict: () =>
      'Another device changed the sync pool at the same moment, so nothing was changed here; try again.',
    'store-in-use': () =>
      'This app is already open in another tab or window, which syncs for this device; close it or use that one.',
    refused: (f) => `${capitalise(f.detail ?? 'that cannot be done now')}.`,
    unexpected: (f) =>
      `Sync stopped on an unexpected problem (${f.detail ?? 'unknown'}); it is tried again later.`,
  },
  notes: {
    'damaged-files': (n) => `${n.count} damaged sync ${n.count === 1 ? 'file was' : 'files were'} skipped.`,
    'damaged-file': (n) => `Skipped a damaged sync file (${n.detail}); syncing goes on.`,
    'lost-files': (n) =>
      `${n.count} sync ${n.count === 1 ? 'file' : 'files'} of another device went missing from the sync folder ` +
      'before arriving here (deleted by hand?); some of its changes may not have arrived.',
    'device-held-back': (n) => `${capitalise(n.detail)}. Changes from that device wait until then.`,
    'chore-failing': (n) => chores[n.chore],
    'edits-kept': (n) =>
      `Changes made to ${n.ids.length === 1 ? `entry ${n.ids[0]}` : `${n.ids.length} entries`} after the master ` +
      `download were kept in the local backup ${n.backup}; restore it to bring them back.`,
  },
  steps: {
    'downloading-changes': 'Downloading changes',
    'downloading-snapshot': 'Downloading snapshot',
    'uploading-snapshot': 'Uploading snapshot',
  },
}

/** The default words with `override` applied. */
export function mergeWords(override: SyncWordsOverride | undefined): SyncWords {
  return {
    reasons: { ...defaultWords.reasons, ...override?.reasons },
    notes: { ...defaultWords.notes, ...override?.notes } as SyncWords['notes'],
    steps: { ...defaultWords.steps, ...override?.steps },
  }
}

/** The message of a status: the reason's sentence, then its notes. */
export function compose(words: SyncWords, facts: StatusFacts): string {
  const sentence = words.reasons[facts.reason](facts)
  const notes = (facts.notes ?? []).map((note) =>
    (words.notes[note.kind] as (n: StatusNote, f: StatusFacts) => string)(note, facts),
  )
  if (notes.length === 0) return sentence
  return `${/[.…!?]$/.test(sentence) ? sentence : `${sentence}.`} ${notes.join(' ')}`
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
