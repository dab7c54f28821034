/**
 * The diary entry model. One entry is one Yjs document whose shared types are all top-level, so
 * that concurrent edits on two devices merge field by field and never replace each other's
 * containers:
 *
 * - `fields` (Y.Map): `at` (local date and time, `YYYY-MM-DDTHH:mm`), `pain` (0–10), `createdAt` (ms).
 * - `locations`, `triggers` (Y.Map<true>): a set; a key present means selected.
 * - `medications` (Y.Map<Y.Map>): medication id → `{ name, dose, addedAt }`.
 * - `notes` (Y.Text): free text, bound to the editor's textarea.
 */
import { randomId } from '@y-dropbox/core'
import * as Y from 'yjs'

/** Body locations offered by the editor. */
export const BODY_LOCATIONS = [
  'Head',
  'Jaw',
  'Neck',
  'Shoulders',
  'Upper back',
  'Lower back',
  'Chest',
  'Abdomen',
  'Hips',
  'Arms',
  'Hands',
  'Legs',
  'Knees',
  'Feet',
] as const

/** Triggers and activities offered by the editor. */
export const TRIGGERS = [
  'Poor sleep',
  'Stress',
  'Weather change',
  'Exercise',
  'Long sitting',
  'Lifting',
  'Housework',
  'Travel',
  'Screen time',
  'Skipped meal',
] as const

/** Highest pain level on the scale. */
export const MAX_PAIN = 10

/** One medication taken, as stored in an entry. */
export interface Medication {
  /** Stable id within the entry. */
  id: string
  /** Name, e.g. "Ibuprofen". */
  name: string
  /** Dose as the user wrote it, e.g. "400 mg". */
  dose: string
  /** When it was added to the entry (ms since epoch); orders the list. */
  addedAt: number
}

/** A plain snapshot of an entry, for display, reports and backups. */
export interface EntryData {
  /** Local date and time of the entry, `YYYY-MM-DDTHH:mm`. */
  at: string
  /** Pain level 0–10. */
  pain: number
  /** Selected body locations, sorted. */
  locations: string[]
  /** Selected triggers and activities, sorted. */
  triggers: string[]
  /** Medications in the order they were added. */
  medications: Medication[]
  /** Free-text notes. */
  notes: string
}

/** The scalar fields map of an entry document. */
export function fieldsOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap('fields')
}

/** The notes text of an entry document. */
export function notesOf(doc: Y.Doc): Y.Text {
  return doc.getText('notes')
}

/** The set of selected body locations. */
export function locationsOf(doc: Y.Doc): Y.Map<true> {
  return doc.getMap('locations')
}

/** The set of selected triggers and activities. */
export function triggersOf(doc: Y.Doc): Y.Map<true> {
  return doc.getMap('triggers')
}

/** The medications of an entry, by id. */
export function medicationsOf(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap('medications')
}

/** Formats a `Date` as the local `YYYY-MM-DDTHH:mm` string entries store. */
export function toLocalDateTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}

/** Clamps and rounds a pain level onto the 0–10 scale. */
export function clampPain(value: number): number {
  if (!Number.isFinite(value)) return 0
  return Math.min(MAX_PAIN, Math.max(0, Math.round(value)))
}

/** True when the document has never been given a date (a brand-new, empty document). */
export function isBlank(doc: Y.Doc): boolean {
  return typeof fieldsOf(doc).get('at') !== 'string'
}

/**
 * Fills a new entry. Only sets what is given; call inside the engine's document so the change is
 * captured and pushed.
 */
export function initEntry(doc: Y.Doc, data: Partial<EntryData>, now = Date.now()): void {
  doc.transact(() => {
    const fields = fieldsOf(doc)
    fields.set('at', data.at ?? toLocalDateTime(new Date(now)))
    fields.set('pain', clampPain(data.pain ?? 0))
    fields.set('createdAt', now)
    for (const l of data.locations ?? []) locationsOf(doc).set(l, true)
    for (const t of data.triggers ?? []) triggersOf(doc).set(t, true)
    for (const m of data.medications ?? []) addMedication(doc, m.name, m.dose, m.addedAt, m.id)
    if (data.notes) notesOf(doc).insert(0, data.notes)
  })
}

/** Reads an entry into a plain object. Missing fields read as empty. */
export function readEntry(doc: Y.Doc): EntryData {
  const fields = fieldsOf(doc)
  const at = fields.get('at')
  const pain = fields.get('pain')
  return {
    at: typeof at === 'string' ? at : '',
    pain: typeof pain === 'number' ? clampPain(pain) : 0,
    locations: [...locationsOf(doc).keys()].sort(),
    triggers: [...triggersOf(doc).keys()].sort(),
    medications: readMedications(doc),
    notes: notesOf(doc).toString(),
  }
}

/** Sets the entry's date and time (`YYYY-MM-DDTHH:mm`). */
export function setDateTime(doc: Y.Doc, at: string): void {
  fieldsOf(doc).set('at', at)
}

/** Sets the pain level (clamped to 0–10). */
export function setPain(doc: Y.Doc, pain: number): void {
  fieldsOf(doc).set('pain', clampPain(pain))
}

/** Selects or clears one body location. */
export function setLocation(doc: Y.Doc, location: string, selected: boolean): void {
  toggleIn(locationsOf(doc), location, selected)
}

/** Selects or clears one trigger or activity. */
export function setTrigger(doc: Y.Doc, trigger: string, selected: boolean): void {
  toggleIn(triggersOf(doc), trigger, selected)
}

/** Adds a medication and returns its id. */
export function addMedication(
  doc: Y.Doc,
  name: string,
  dose: string,
  addedAt = Date.now(),
  id = randomId(),
): string {
  const med = new Y.Map<unknown>()
  med.set('name', name)
  med.set('dose', dose)
  med.set('addedAt', addedAt)
  medicationsOf(doc).set(id, med)
  return id
}

/** Changes the name and/or dose of a medication; unknown ids are ignored. */
export function updateMedication(doc: Y.Doc, id: string, patch: { name?: string; dose?: string }): void {
  const med = medicationsOf(doc).get(id)
  if (!med) return
  doc.transact(() => {
    if (patch.name !== undefined) med.set('name', patch.name)
    if (patch.dose !== undefined) med.set('dose', patch.dose)
  })
}

/** Removes a medication from the entry. */
export function removeMedication(doc: Y.Doc, id: string): void {
  medicationsOf(doc).delete(id)
}

// ---- internal helpers below ----

function toggleIn(set: Y.Map<true>, key: string, selected: boolean): void {
  if (selected && !set.has(key)) set.set(key, true)
  else if (!selected && set.has(key)) set.delete(key)
}

function readMedications(doc: Y.Doc): Medication[] {
  const out: Medication[] = []
  for (const [id, med] of medicationsOf(doc).entries()) {
    if (!(med instanceof Y.Map)) continue
    const name = med.get('name')
    const dose = med.get('dose')
    const addedAt = med.get('addedAt')
    out.push({
      id,
      name: typeof name === 'string' ? name : '',
      dose: typeof dose === 'string' ? dose : '',
      addedAt: typeof addedAt === 'number' ? addedAt : 0,
    })
  }
  return out.sort((a, b) => a.addedAt - b.addedAt || a.id.localeCompare(b.id))
}

/**
 * Makes the document equal to `data` with the fewest changes: fields that already match are left
 * alone, so a concurrent edit elsewhere to another field survives. Used by restore in replace mode.
 */
export function writeEntry(doc: Y.Doc, data: EntryData): void {
  doc.transact(() => {
    const fields = fieldsOf(doc)
    if (fields.get('at') !== data.at) fields.set('at', data.at)
    if (fields.get('pain') !== clampPain(data.pain)) fields.set('pain', clampPain(data.pain))
    if (!fields.has('createdAt')) fields.set('createdAt', Date.now())
    syncSet(locationsOf(doc), data.locations)
    syncSet(triggersOf(doc), data.triggers)
    const meds = medicationsOf(doc)
    const wanted = new Map(data.medications.map((m) => [m.id, m]))
    for (const id of [...meds.keys()]) if (!wanted.has(id)) meds.delete(id)
    for (const m of data.medications) {
      if (meds.has(m.id)) updateMedication(doc, m.id, { name: m.name, dose: m.dose })
      else addMedication(doc, m.name, m.dose, m.addedAt, m.id)
    }
    const notes = notesOf(doc)
    if (notes.toString() !== data.notes) {
      notes.delete(0, notes.length)
      notes.insert(0, data.notes)
    }
  })
}

function syncSet(set: Y.Map<true>, keys: string[]): void {
  const wanted = new Set(keys)
  for (const key of [...set.keys()]) if (!wanted.has(key)) set.delete(key)
  for (const key of wanted) if (!set.has(key)) set.set(key, true)
}
