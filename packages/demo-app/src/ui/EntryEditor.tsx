/**
 * One diary entry, edited live: every change goes into the entry's Yjs document at once (saved on
 * the device, uploaded by the sync engine) and changes from other devices and tabs show up as they
 * arrive. The notes textarea is bound to the shared text without ever moving the caret.
 */
import { isDeletedDoc } from '@y-dropbox/core'
import type { DocHandle } from '@y-dropbox/tabs'
import { useEffect, useRef, useState } from 'preact/hooks'
import type * as Y from 'yjs'
import { go } from '../app/router.ts'
import { useSession } from '../app/session.ts'
import { bindTextarea } from '../binding/text-binding.ts'
import {
  BODY_LOCATIONS,
  initEntry,
  isBlank,
  notesOf,
  readEntry,
  setDateTime,
  setLocation,
  setPain,
  setTrigger,
  TRIGGERS,
} from '../model/entry.ts'
import { Confirm } from './Dialog.tsx'
import { ChipGroup, MedicationList, PainScale } from './editor-parts.tsx'
import { formatDay } from './format.ts'
import { useAction } from './use-action.ts'

/** The entry screen. */
export function EntryEditor({ id }: { id: string }) {
  const session = useSession()
  const generation = session.generation.value
  const [handle, setHandle] = useState<DocHandle | undefined>(undefined)
  useEffect(() => {
    const h = session.hub.open(id)
    let alive = true
    void h.synced.then(() => {
      if (!alive) return
      // A new entry starts now; an existing one arrived complete with the leader's step 2.
      if (isBlank(h.doc) && !isDeletedDoc(h.doc)) initEntry(h.doc, {})
      setHandle(h)
    })
    return () => {
      alive = false
      setHandle(undefined)
      h.release()
    }
  }, [session, id, generation])
  if (!handle) return <div class="card muted">Opening entry…</div>
  return <EntryForm key={`${id}:${generation}`} id={id} doc={handle.doc} />
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

function EntryForm({ id, doc }: { id: string; doc: Y.Doc }) {
  const session = useSession()
  useDocVersion(doc)
  const entry = readEntry(doc)
  const notes = useRef<HTMLTextAreaElement>(null)
  const [confirmDelete, setConfirmDelete] = useState(false)
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
            value={entry.at}
            onChange={(e) => e.currentTarget.value && setDateTime(doc, e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <span class="label">Pain level</span>
          <PainScale value={entry.pain} onChange={(n) => setPain(doc, n)} />
        </div>
      </div>
      <div class="card">
        <div class="field">
          <span class="label">Where does it hurt?</span>
          <ChipGroup
            label="Body locations"
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
        <div class="saved">
          Saved on this device
          {sync && sync.state !== 'inactive' ? ` · ${sync.pending > 0 ? 'waiting to upload' : 'synced'}` : ''}
        </div>
      </div>
      <div class="btn-row" style={{ justifyContent: 'space-between' }}>
        <a class="btn" href="#/">
          ‹ Diary
        </a>
        <button
          type="button"
          class="btn danger"
          disabled={!!action.busy}
          onClick={() => setConfirmDelete(true)}
        >
          Delete entry
        </button>
      </div>
      {action.error && (
        <p class="small" role="alert" style={{ color: 'var(--danger)' }}>
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
