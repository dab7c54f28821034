/**
 * One diary entry, edited live: every change goes into the entry's Yjs document at once (saved on
 * the device, uploaded by the sync engine) and changes from other devices and tabs show up as they
 * arrive. A new entry starts as a draft on this screen only: it becomes an entry of the diary (and
 * syncs) at the first thing entered in it, so leaving an untouched one leaves nothing behind.
 */
import { randomId } from '@y-dropbox/core'
import type { DocHandle } from '@y-dropbox/tabs'
import { useEffect, useRef, useState } from 'preact/hooks'
import * as Y from 'yjs'
import { useSession } from '../app/session.ts'
import { initEntry } from '../model/entry.ts'
import { EntryForm } from './entry-form.tsx'

/** Origin of updates copied between a draft and its entry's replica, so they are not copied back. */
const RELAY = Symbol('draft relay')

/** The screen of an existing entry. */
export function EntryEditor({ id }: { id: string }) {
  const session = useSession()
  const generation = session.generation.value
  const listed = session.listVersion.value >= 0 && session.index.get(id) !== undefined
  const known = session.state.value !== undefined
  // Opened once listed in this generation of documents, then kept open (deleted elsewhere, it says
  // so). Never opened unlisted: opening an entry creates it.
  const listedIn = useRef<number | undefined>(undefined)
  if (listed) listedIn.current = generation
  const seen = listedIn.current === generation
  const [handle, setHandle] = useState<DocHandle | undefined>(undefined)
  useEffect(() => {
    if (!seen) return
    const h = session.hub.open(id)
    let alive = true
    void h.synced.then(() => {
      if (alive) setHandle(h)
    })
    return () => {
      alive = false
      setHandle(undefined)
      h.release()
    }
  }, [session, id, generation, seen])
  if (!seen && known) {
    return (
      <div class="card" data-testid="entry-missing">
        <p>This entry is not in the diary on this device: it was deleted, or has not arrived yet.</p>
        <a class="btn" href="#/">
          Back to the diary
        </a>
      </div>
    )
  }
  if (!handle) return <div class="card muted">Opening entry…</div>
  return <EntryForm key={`${id}:${generation}`} id={id} doc={handle.doc} saved />
}

/**
 * The screen of a new entry: a draft with today's date, kept on this screen only. At the first
 * change the person makes, it becomes entry `id`: the draft's content goes into the entry's replica
 * and from then on both are kept equal, so the form goes on editing the draft without a pause.
 */
export function NewEntry() {
  const session = useSession()
  const [draft] = useState(() => {
    const doc = new Y.Doc()
    initEntry(doc, {})
    return { doc, id: randomId() }
  })
  const [saved, setSaved] = useState(false)
  useEffect(() => {
    const { doc, id } = draft
    let handle: DocHandle | undefined
    let unrelay = () => {}
    const materialize = () => {
      doc.off('update', materialize)
      const opened = session.hub.open(id)
      handle = opened
      const replica = opened.doc
      Y.applyUpdate(replica, Y.encodeStateAsUpdate(doc), RELAY)
      const down = (update: Uint8Array, origin: unknown) => {
        if (origin !== RELAY) Y.applyUpdate(doc, update, RELAY)
      }
      const up = (update: Uint8Array, origin: unknown) => {
        if (origin !== RELAY) Y.applyUpdate(replica, update, RELAY)
      }
      replica.on('update', down)
      doc.on('update', up)
      unrelay = () => {
        replica.off('update', down)
        doc.off('update', up)
      }
      // The address names the entry now (Back still leads to the diary).
      history.replaceState(null, '', `#/entry/${encodeURIComponent(id)}`)
      setSaved(true)
    }
    doc.on('update', materialize)
    return () => {
      doc.off('update', materialize)
      unrelay()
      handle?.release()
    }
  }, [session, draft])
  useEffect(() => () => draft.doc.destroy(), [draft])
  return <EntryForm id={draft.id} doc={draft.doc} saved={saved} />
}
