/**
 * The form of one diary entry, bound to its Yjs document: date and time, pain, where it hurts,
 * medications, triggers, notes. Every field has a valid state; what cannot be kept (an empty or
 * future date) is refused with a message beside the field, and the entry keeps its last valid value.
 */
import { isDeletedDoc } from '@y-dropbox/core'
import { useEffect, useRef, useState } from 'preact/hooks'
import type * as Y from 'yjs'
import { go } from '../app/router.ts'
import { useSession } from '../app/session.ts'
import { bindTextarea } from '../binding/text-binding.ts'
import {
  BODY_LOCATIONS,
  notesOf,
  readEntry,
  setDateTime,
  setLocation,
  setPain,
  setTrigger,
  TRIGGERS,
  toLocalDateTime,
} from '../model/entry.ts'
import { Confirm } from './Dialog.tsx'
import { ChipGroup, MedicationList, PainScale } from './editor-parts.tsx'
import { formatDay, formatTime, parseLocal } from './format.ts'
import { useAction } from './use-action.ts'

/** How far ahead of the clock an entry's time may be (a phone's clock a little behind, say). */
const FUTURE_SLACK_MS = 5 * 60_000

/** Why `at` (from the date and time field) cannot be the entry's time, or `undefined` when it can. */
export function dateTimeProblem(at: string, now = Date.now()): string | undefined {
  if (!at) return 'Enter the date and time of this entry.'
  const date = parseLocal(at)
  if (!date || Number.isNaN(date.getTime())) return 'Enter a whole date and time, e.g. 05/03/2024 08:30.'
  if (date.getTime() > now + FUTURE_SLACK_MS)
    return `That is in the future; enter when the pain was felt (now is ${toLocalDateTime(new Date(now)).replace('T', ' ')}).`
  return undefined
}

function useDocVersion(doc: Y.Doc): number {
  const [version, setVersion] = useState(0)
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1)
    doc.on('update', bump)
    return () => doc.off('update', bump)
  }, [doc])
  return version
}

/** Props of {@link EntryForm}. */
export interface EntryFormProps {
  /** The entry's id. */
  id: string
  /** Its document (a replica, or a new entry's draft). */
  doc: Y.Doc
  /** False while it is a draft nobody has entered anything into: nothing is saved yet. */
  saved: boolean
}

/** The entry form. */
export function EntryForm({ id, doc, saved }: EntryFormProps) {
  const session = useSession()
  useDocVersion(doc)
  const entry = readEntry(doc)
  const notes = useRef<HTMLTextAreaElement>(null)
  const [confirmDelete, setConfirmDelete] = useState(false)
  /** What the date field shows while it holds something the entry cannot keep. */
  const [atTyped, setAtTyped] = useState<string | undefined>(undefined)
  const action = useAction()
  useEffect(() => {
    const textarea = notes.current
    if (!textarea) return
    const unbind = bindTextarea(notesOf(doc), textarea)
    // Marks the notes as live (the browser tests wait for it).
    textarea.dataset.bound = 'true'
    return () => {
      delete textarea.dataset.bound
      unbind()
    }
  }, [doc])
  if (isDeletedDoc(doc)) {
    return (
      <div class="card">
        <p>This entry was deleted{entry.at ? ` (${formatDay(entry.at)})` : ''}.</p>
        <a class="btn" href="#/">
          Back to the diary
        </a>
      </div>
    )
  }
  const remove = () => {
    setConfirmDelete(false)
    action.run('Deleting', async () => {
      await session.call('deleteEntry', id)
      go({ name: 'diary' })
    })
  }
  const changeAt = (value: string) => {
    if (dateTimeProblem(value)) {
      setAtTyped(value)
      return
    }
    setAtTyped(undefined)
    if (value !== entry.at) setDateTime(doc, value)
  }
  const atProblem = atTyped === undefined ? undefined : dateTimeProblem(atTyped)
  const sync = session.state.value?.sync
  return (
    <div data-testid="entry-editor">
      <div class="card">
        <div class="field">
          <label for="at">Date and time</label>
          <input
            id="at"
            class="input"
            type="datetime-local"
            required
            value={atTyped ?? entry.at}
            aria-invalid={atProblem ? true : undefined}
            aria-describedby={atProblem ? 'at-problem' : undefined}
            onInput={(e) => changeAt(e.currentTarget.value)}
            onChange={(e) => changeAt(e.currentTarget.value)}
          />
          {atProblem && (
            <p class="small field-error" id="at-problem" role="alert" data-testid="at-problem">
              {atProblem} The entry keeps {formatDay(entry.at)} {formatTime(entry.at)} until then.
            </p>
          )}
        </div>
        <div class="field">
          <span class="label" id="pain-label">
            Pain level
          </span>
          <PainScale value={entry.pain} labelledBy="pain-label" onChange={(n) => setPain(doc, n)} />
        </div>
      </div>
      <div class="card">
        <div class="field">
          <span class="label">Where does it hurt?</span>
          <ChipGroup
            label="Where does it hurt?"
            options={BODY_LOCATIONS}
            selected={entry.locations}
            onToggle={(l, on) => setLocation(doc, l, on)}
          />
        </div>
        <div class="field">
          <span class="label">Medications taken</span>
          <MedicationList doc={doc} medications={entry.medications} />
        </div>
        <div class="field">
          <span class="label">Triggers and activities</span>
          <ChipGroup
            label="Triggers and activities"
            options={TRIGGERS}
            selected={entry.triggers}
            onToggle={(t, on) => setTrigger(doc, t, on)}
          />
        </div>
      </div>
      <div class="card">
        <div class="field" style={{ marginBottom: 4 }}>
          <label for="notes">Notes</label>
          <textarea id="notes" class="notes" ref={notes} placeholder="How was your day? What helped?" />
        </div>
        <div class="saved" data-testid="saved-state">
          {!saved
            ? 'Not saved yet: the entry is kept once you enter something'
            : `Saved on this device${sync && sync.state !== 'inactive' ? ` · ${sync.pending > 0 ? 'waiting to upload' : 'synced'}` : ''}`}
        </div>
      </div>
      <div class="btn-row" style={{ justifyContent: 'space-between' }}>
        <a class="btn" href="#/">
          ‹ Diary
        </a>
        {saved && (
          <button
            type="button"
            class="btn danger"
            disabled={!!action.busy}
            onClick={() => setConfirmDelete(true)}
          >
            Delete entry
          </button>
        )}
      </div>
      {action.error && (
        <p class="small field-error" role="alert">
          {action.error}
        </p>
      )}
      {confirmDelete && (
        <Confirm
          title="Delete this entry?"
          confirm="Delete entry"
          danger
          onConfirm={remove}
          onCancel={() => setConfirmDelete(false)}
        >
          <p>
            The entry of {formatDay(entry.at)} is removed from this device and, when sync is on, from every
            device in your sync pool.
          </p>
        </Confirm>
      )}
    </div>
  )
}
