/** @jsxImportSource react */
// A diary screen on the hooks: the sync status, the list of entries, and one entry's notes.
// Rendered by test/example.test.ts (React, happy-dom) over an in-memory cloud.
import type { SyncEngine } from '@y-dropbox/core'
import { useEntries, useEntryDoc, useSyncStatus } from '@y-dropbox/react'
import { useSyncExternalStore } from 'react'
import type * as Y from 'yjs'

export function Diary({ engine, open }: { engine: SyncEngine; open: string }) {
  const status = useSyncStatus(engine)
  const entries = useEntries(engine).filter((entry) => !entry.deleted)
  return (
    <main>
      <p role="status">{status.message}</p>
      <ul>
        {entries.map((entry) => (
          <li key={entry.id}>{entry.id}</li>
        ))}
      </ul>
      <Notes engine={engine} id={open} />
    </main>
  )
}

function Notes({ engine, id }: { engine: SyncEngine; id: string }) {
  const doc = useEntryDoc(engine, id) // a new document after a master download: the key changes
  if (!doc) return <p>Opening…</p>
  return <NotesText key={doc.guid} text={doc.getText('notes')} />
}

function NotesText({ text }: { text: Y.Text }) {
  const value = useSyncExternalStore(
    (changed) => {
      text.observe(changed)
      return () => text.unobserve(changed)
    },
    () => text.toString(),
  )
  return <article>{value}</article>
}
