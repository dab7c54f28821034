/**
 * The small, JSON-serialisable summary the sync engine stores beside each entry (its `summarize`
 * option), so the diary lists and searches 10,000 entries without opening a single document.
 */
import type * as Y from 'yjs'
import { fieldsOf, locationsOf, medicationsOf, notesOf, triggersOf } from './entry.ts'

/** How many characters of the notes a summary keeps. */
export const SUMMARY_NOTE_CHARS = 90

/** What the diary list shows of an entry. */
export interface EntrySummary {
  /** Local date and time, `YYYY-MM-DDTHH:mm` ('' when not set). */
  at: string
  /** Pain level 0–10. */
  pain: number
  /** The first words of the notes, whitespace collapsed, cut at a word boundary. */
  words: string
  /** Selected body locations. */
  locations: string[]
  /** Selected triggers and activities. */
  triggers: string[]
  /** Names of the medications taken. */
  medications: string[]
}

/** Computes the summary of an entry document (the engine's `summarize` option). */
export function summarizeEntry(doc: Y.Doc): EntrySummary {
  const fields = fieldsOf(doc)
  const at = fields.get('at')
  const pain = fields.get('pain')
  const medications: string[] = []
  for (const med of medicationsOf(doc).values()) {
    const name = med.get('name')
    if (typeof name === 'string' && name.trim()) medications.push(name.trim())
  }
  return {
    at: typeof at === 'string' ? at : '',
    pain: typeof pain === 'number' ? pain : 0,
    words: firstWords(notesOf(doc).toString(), SUMMARY_NOTE_CHARS),
    locations: [...locationsOf(doc).keys()].sort(),
    triggers: [...triggersOf(doc).keys()].sort(),
    medications: medications.sort(),
  }
}

/**
 * Reads a summary that came from storage or another device. Returns `undefined` when it is not a
 * summary at all; tolerates missing optional fields so older or foreign summaries still list.
 */
export function readSummary(value: unknown): EntrySummary | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const v = value as Record<string, unknown>
  if (typeof v.at !== 'string' || typeof v.pain !== 'number') return undefined
  return {
    at: v.at,
    pain: v.pain,
    words: typeof v.words === 'string' ? v.words : '',
    locations: stringArray(v.locations),
    triggers: stringArray(v.triggers),
    medications: stringArray(v.medications),
  }
}

/** The beginning of `text`, whitespace collapsed, at most `max` characters, cut at a word boundary. */
export function firstWords(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  if (flat.length <= max) return flat
  const cut = flat.slice(0, max + 1)
  const space = cut.lastIndexOf(' ')
  return `${(space > max / 2 ? cut.slice(0, space) : flat.slice(0, max)).trimEnd()}…`
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string') : []
}
