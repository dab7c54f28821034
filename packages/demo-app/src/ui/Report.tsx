/**
 * A printable report of a period: pain over time, what hurt, what was taken, what triggered it, and
 * every entry. The print stylesheet turns it into clean pages (print, or save as PDF).
 */
import { useMemo, useState } from 'preact/hooks'
import { useSession } from '../app/session.ts'
import type { DiaryRow } from '../model/diary-index.ts'
import { toLocalDateTime } from '../model/entry.ts'
import { formatDay, formatTime, inkOn, painColor } from './format.ts'

const RANGES = [
  { days: 7, label: 'Last 7 days' },
  { days: 30, label: 'Last 30 days' },
  { days: 90, label: 'Last 90 days' },
  { days: 0, label: 'Everything' },
] as const

/** Largest number of entries listed one by one in the report. */
const MAX_TABLE_ROWS = 500

/** The report screen. */
export function Report() {
  const session = useSession()
  const [days, setDays] = useState<number>(30)
  const version = session.listVersion.value
  const rows = useMemo(() => {
    const from = days ? toLocalDateTime(new Date(Date.now() - days * 86_400_000)) : ''
    return session.index.all().filter((r) => r.summary && r.summary.at >= from)
  }, [session, days, version])
  const label = RANGES.find((r) => r.days === days)?.label ?? ''
  return (
    <div class="report">
      <div class="card no-print" style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
        <select
          class="input"
          style={{ width: 'auto' }}
          value={days}
          onChange={(e) => setDays(Number(e.currentTarget.value))}
          aria-label="Period"
        >
          {RANGES.map((r) => (
            <option key={r.days} value={r.days}>
              {r.label}
            </option>
          ))}
        </select>
        <span style={{ flex: 1 }} />
        <button type="button" class="btn primary" onClick={() => print()}>
          Print or save as PDF
        </button>
      </div>
      <div class="card">
        <h2>Pain Diary report</h2>
        <div class="muted small">
          {label} · {session.state.value?.deviceName ?? session.profile.defaultName} · printed{' '}
          {new Date().toLocaleDateString(undefined, { dateStyle: 'long' })}
        </div>
        {rows.length === 0 ? <p class="muted">No entries in this period.</p> : <ReportBody rows={rows} />}
      </div>
    </div>
  )
}

function ReportBody({ rows }: { rows: DiaryRow[] }) {
  const pains = rows.map((r) => r.summary!.pain)
  const avg = pains.reduce((a, b) => a + b, 0) / pains.length
  const days = new Set(rows.map((r) => r.summary!.at.slice(0, 10)))
  return (
    <>
      <div class="stats">
        <Stat value={rows.length.toLocaleString()} label="entries" />
        <Stat value={avg.toFixed(1)} label="average pain" />
        <Stat value={String(Math.max(...pains))} label="highest pain" />
        <Stat value={days.size.toLocaleString()} label="days recorded" />
      </div>
      <PainChart rows={rows} />
      <div class="stats" style={{ gridTemplateColumns: 'repeat(3, 1fr)' }}>
        <Top title="Where" items={rows.flatMap((r) => r.summary!.locations)} />
        <Top title="Medications" items={rows.flatMap((r) => r.summary!.medications)} />
        <Top title="Triggers" items={rows.flatMap((r) => r.summary!.triggers)} />
      </div>
      {/* Scrolls sideways on a phone: focusable, so a keyboard can scroll it too. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus (WCAG 2.1.1) */}
      <section class="table-wrap" tabIndex={0} aria-label="Entries of the period">
        <table class="entries">
          <thead>
            <tr>
              <th>Date</th>
              <th>Pain</th>
              <th>Where</th>
              <th>Medications</th>
              <th>Notes</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, MAX_TABLE_ROWS).map((r) => {
              const s = r.summary!
              return (
                <tr key={r.id}>
                  <td style={{ whiteSpace: 'nowrap' }}>
                    {formatDay(s.at)}
                    <div class="muted">{formatTime(s.at)}</div>
                  </td>
                  <td>
                    <b
                      class="pain-chip"
                      style={{ background: painColor(s.pain), color: inkOn(painColor(s.pain)) }}
                    >
                      {s.pain}
                    </b>
                  </td>
                  <td>{s.locations.join(', ')}</td>
                  <td>{s.medications.join(', ')}</td>
                  <td>{s.words}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </section>
      {rows.length > MAX_TABLE_ROWS && (
        <p class="muted small">
          The {MAX_TABLE_ROWS} most recent of {rows.length.toLocaleString()} entries are listed; choose a
          shorter period to see all.
        </p>
      )}
    </>
  )
}

function Stat({ value, label }: { value: string; label: string }) {
  return (
    <div class="stat">
      <b>{value}</b>
      <span>{label}</span>
    </div>
  )
}

function Top({ title, items }: { title: string; items: string[] }) {
  const counts = new Map<string, number>()
  for (const i of items) counts.set(i, (counts.get(i) ?? 0) + 1)
  const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 4)
  return (
    <div class="stat" style={{ textAlign: 'left' }}>
      <span>{title}</span>
      {top.length === 0 ? (
        <div class="small muted">—</div>
      ) : (
        top.map(([name, n]) => (
          <div key={name} class="small">
            {name} <span class="muted">×{n}</span>
          </div>
        ))
      )}
    </div>
  )
}

/** Daily average pain as a line over the period. */
function PainChart({ rows }: { rows: DiaryRow[] }) {
  const byDay = new Map<string, number[]>()
  for (const r of rows) {
    const day = r.summary!.at.slice(0, 10)
    const list = byDay.get(day) ?? []
    list.push(r.summary!.pain)
    byDay.set(day, list)
  }
  const points = [...byDay]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([day, p]) => ({ day, pain: p.reduce((a, b) => a + b, 0) / p.length }))
  const W = 600
  const H = 160
  const pad = 24
  const x = (i: number) =>
    pad + (points.length === 1 ? (W - 2 * pad) / 2 : (i * (W - 2 * pad)) / (points.length - 1))
  const y = (pain: number) => H - pad - (pain / 10) * (H - 2 * pad)
  const path = points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.pain).toFixed(1)}`)
    .join(' ')
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Daily average pain">
      {[0, 5, 10].map((v) => (
        <g key={v}>
          <line x1={pad} x2={W - pad} y1={y(v)} y2={y(v)} stroke="#e3e8ee" />
          <text x={4} y={y(v) + 4} font-size="10" fill="#8a96a3">
            {v}
          </text>
        </g>
      ))}
      <path d={path} fill="none" stroke="#0f766e" stroke-width="2" />
      {points.length <= 120 &&
        points.map((p, i) => (
          <circle key={p.day} cx={x(i)} cy={y(p.pain)} r="3.5" fill={painColor(Math.round(p.pain))} />
        ))}
      {points.length > 0 && (
        <>
          <text x={pad} y={H - 6} font-size="10" fill="#8a96a3">
            {points[0]!.day}
          </text>
          <text x={W - pad} y={H - 6} font-size="10" fill="#8a96a3" text-anchor="end">
            {points[points.length - 1]!.day}
          </text>
        </>
      )}
    </svg>
  )
}
