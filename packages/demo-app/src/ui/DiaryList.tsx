/**
 * The diary: every entry newest first, searchable, from the index (no document is opened). Rows
 * are virtualised against the page's scroll, so 10,000 entries render as a screenful.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { go } from '../app/router.ts'
import { useSession } from '../app/session.ts'
import type { DiaryRow } from '../model/diary-index.ts'
import { formatDay, formatTime, inkOn, painColor, plural } from './format.ts'
import { Icon } from './icons.tsx'

/** Height of one row (px); rows are fixed-height so the list can be virtualised. */
const ROW_HEIGHT = 76
/** Rows rendered above and below the visible ones. */
const OVERSCAN = 8

/** The diary screen. */
export function DiaryList() {
  const session = useSession()
  const [query, setQuery] = useState('')
  const version = session.listVersion.value
  const rows = useMemo(() => session.index.search(query), [session, query, version])
  const total = session.index.size
  return (
    <div>
      <div class="search">
        <input
          type="search"
          placeholder="Search: knee, ibuprofen, 2024-03, pain>=7…"
          aria-label="Search the diary"
          value={query}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
      </div>
      {total === 0 ? (
        <EmptyDiary />
      ) : (
        <>
          <div class="count" data-testid="entry-count">
            {query
              ? `${plural(rows.length, 'entry', 'entries')} of ${total.toLocaleString()}`
              : plural(total, 'entry', 'entries')}
          </div>
          {rows.length === 0 ? (
            <div class="empty">No entry matches “{query}”.</div>
          ) : (
            <VirtualRows rows={rows} />
          )}
        </>
      )}
      <button type="button" class="fab" aria-label="New entry" title="New entry" onClick={newEntry}>
        +
      </button>
    </div>
  )
}

/** Opens a new entry, which exists only once something is entered in it. */
export function newEntry(): void {
  go({ name: 'new' })
}

function EmptyDiary() {
  return (
    <div class="empty">
      <Icon name="empty" size={44} class="big" />
      <p>
        <b>Your diary is empty.</b>
      </p>
      <p>Tap + to record how you feel, or add sample entries in Settings.</p>
    </div>
  )
}

function VirtualRows({ rows }: { rows: DiaryRow[] }) {
  const box = useRef<HTMLDivElement>(null)
  const [range, setRange] = useState({ start: 0, end: 30 })
  useEffect(() => {
    const update = () => {
      const el = box.current
      if (!el) return
      const top = el.getBoundingClientRect().top
      const first = Math.floor(Math.max(0, -top) / ROW_HEIGHT)
      const visible = Math.ceil(window.innerHeight / ROW_HEIGHT)
      const start = Math.max(0, first - OVERSCAN)
      const end = Math.min(rows.length, first + visible + OVERSCAN)
      setRange((r) => (r.start === start && r.end === end ? r : { start, end }))
    }
    update()
    addEventListener('scroll', update, { passive: true })
    addEventListener('resize', update)
    return () => {
      removeEventListener('scroll', update)
      removeEventListener('resize', update)
    }
  }, [rows.length])
  const visible = rows.slice(range.start, range.end)
  return (
    <div class="vlist" ref={box} style={{ height: `${rows.length * ROW_HEIGHT}px` }} data-testid="diary-list">
      {visible.map((row, i) => (
        <Row key={row.id} row={row} top={(range.start + i) * ROW_HEIGHT} />
      ))}
    </div>
  )
}

function Row({ row, top }: { row: DiaryRow; top: number }) {
  const s = row.summary
  const where = s ? s.locations.join(', ') : ''
  const meds = s ? s.medications.join(', ') : ''
  return (
    <a
      class="row"
      href={`#/entry/${encodeURIComponent(row.id)}`}
      style={{ top: `${top}px`, height: `${ROW_HEIGHT}px` }}
      data-entry={row.id}
    >
      <div
        class="pain-badge"
        style={
          s ? { background: painColor(s.pain), color: inkOn(painColor(s.pain)) } : { background: '#d5dbe1' }
        }
        title="Pain level"
      >
        {s ? s.pain : '…'}
      </div>
      <div class="body">
        <div class="when">
          {s ? formatDay(s.at) : 'Entry'}
          <span class="time">{s ? formatTime(s.at) : ''}</span>
        </div>
        {(where || meds) && (
          <div class="where">
            {where}
            {where && meds && ' · '}
            {meds && <span class="meds">{meds}</span>}
          </div>
        )}
        <div class="words">{s ? s.words || 'No notes' : 'Open to see this entry'}</div>
      </div>
    </a>
  )
}
