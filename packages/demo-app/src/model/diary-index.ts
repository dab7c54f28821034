/**
 * The diary's in-memory index: every entry the engine lists, with its summary, sorted newest first
 * and filtered by a search query. Built from `engine.list()` and kept current from `docs` events; it
 * never opens a document, so it stays fast with 10,000 entries.
 */
import { type EntrySummary, readSummary } from './summary.ts'

/** One row of `engine.list()` as the app receives it. */
export interface ListItem {
  /** Document id. */
  id: string
  /** Last change, ms since epoch. */
  updatedAt: number
  /** True once the entry was deleted on any device. */
  deleted: boolean
  /** The app-defined summary, when known. */
  summary?: unknown
}

/** A visible diary row. */
export interface DiaryRow {
  /** Document id. */
  id: string
  /** Last change, ms since epoch. */
  updatedAt: number
  /** The entry's summary; `undefined` until the entry has been summarised. */
  summary: EntrySummary | undefined
}

/** A parsed search: words that must all appear, and an optional pain range. */
export interface DiaryQuery {
  /** Lower-case words, each of which must occur in the entry's text. */
  words: string[]
  /** Smallest pain level accepted. */
  minPain: number
  /** Largest pain level accepted. */
  maxPain: number
}

/**
 * Parses what the user typed in the search box. Plain words match date, notes, locations, triggers
 * and medications; `pain>=7`, `pain<=3`, `pain:5` (also `>`/`<`) filter by level.
 */
export function parseQuery(text: string): DiaryQuery {
  const query: DiaryQuery = { words: [], minPain: 0, maxPain: 10 }
  for (const token of text.toLowerCase().split(/\s+/).filter(Boolean)) {
    const m = /^pain(>=|<=|>|<|:|=)(\d+)$/.exec(token)
    if (!m) {
      query.words.push(token)
      continue
    }
    const n = Number(m[2])
    if (m[1] === '>=') query.minPain = Math.max(query.minPain, n)
    else if (m[1] === '>') query.minPain = Math.max(query.minPain, n + 1)
    else if (m[1] === '<=') query.maxPain = Math.min(query.maxPain, n)
    else if (m[1] === '<') query.maxPain = Math.min(query.maxPain, n - 1)
    else {
      query.minPain = Math.max(query.minPain, n)
      query.maxPain = Math.min(query.maxPain, n)
    }
  }
  return query
}

/** True when the query filters nothing out. */
export function isEmptyQuery(query: DiaryQuery): boolean {
  return query.words.length === 0 && query.minPain === 0 && query.maxPain === 10
}

/**
 * True when the row satisfies the query. Rows without a summary match only an empty query.
 * `textOf` gives the lower-case text searched (cached by the index).
 */
export function matchesQuery(row: DiaryRow, query: DiaryQuery, textOf = searchText): boolean {
  const s = row.summary
  if (!s) return isEmptyQuery(query)
  if (s.pain < query.minPain || s.pain > query.maxPain) return false
  if (query.words.length === 0) return true
  const haystack = textOf(s)
  return query.words.every((w) => haystack.includes(w))
}

/** The lower-case text a search looks in: date, notes, locations, triggers, medications. */
export function searchText(s: EntrySummary): string {
  return [s.at, s.words, ...s.locations, ...s.triggers, ...s.medications].join(' ').toLowerCase()
}

/** Orders rows newest first: by entry date, then by last change, then by id (stable). */
export function compareRows(a: DiaryRow, b: DiaryRow): number {
  const at = (b.summary?.at ?? '').localeCompare(a.summary?.at ?? '')
  return at || b.updatedAt - a.updatedAt || a.id.localeCompare(b.id)
}

/** The set of diary entries, sorted and searchable. */
export class DiaryIndex {
  private readonly rowsById = new Map<string, DiaryRow>()
  private sorted: DiaryRow[] | undefined
  private readonly texts = new WeakMap<EntrySummary, string>()

  /** Number of visible (not deleted) entries. */
  get size(): number {
    return this.rowsById.size
  }

  /** Replaces everything with a full listing. */
  replaceAll(items: Iterable<ListItem>): void {
    this.rowsById.clear()
    this.upsert(items)
  }

  /** Adds, updates or (for deleted items) removes entries. Returns true when anything changed. */
  upsert(items: Iterable<ListItem>): boolean {
    let changed = false
    for (const item of items) {
      if (item.deleted) {
        changed = this.rowsById.delete(item.id) || changed
        continue
      }
      const prev = this.rowsById.get(item.id)
      const summary = readSummary(item.summary) ?? prev?.summary
      if (prev && prev.updatedAt === item.updatedAt && prev.summary === summary) continue
      this.rowsById.set(item.id, { id: item.id, updatedAt: item.updatedAt, summary })
      changed = true
    }
    if (changed) this.sorted = undefined
    return changed
  }

  /** One entry's row, when it is listed and not deleted. */
  get(id: string): DiaryRow | undefined {
    return this.rowsById.get(id)
  }

  /** Every visible row, newest first. */
  all(): DiaryRow[] {
    if (!this.sorted) this.sorted = [...this.rowsById.values()].sort(compareRows)
    return this.sorted
  }

  /** The rows matching `query`, newest first. */
  search(query: DiaryQuery | string): DiaryRow[] {
    const q = typeof query === 'string' ? parseQuery(query) : query
    const all = this.all()
    if (isEmptyQuery(q)) return all
    return all.filter((row) => matchesQuery(row, q, this.cachedText))
  }

  private readonly cachedText = (s: EntrySummary): string => {
    let text = this.texts.get(s)
    if (text === undefined) {
      text = searchText(s)
      this.texts.set(s, text)
    }
    return text
  }
}
