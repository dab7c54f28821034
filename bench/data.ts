/**
 * The benchmark's data: a generated pain diary. Each entry is one Yjs document
 * with its fields in the Y.Map `entry` and its notes in the Y.Text `notes`,
 * edited about 20 times. Everything is drawn from a seeded generator
 * (`lib0/prng`), so two runs with the same seed produce the same bytes.
 */
import * as prng from 'lib0/prng'
import * as Y from 'yjs'

/** A medication taken, as stored in an entry. */
export interface Medication {
  name: string
  dose: string
}

/** The plain fields of an entry (everything but the notes). */
export interface EntryFields {
  /** `YYYY-MM-DD`. */
  date: string
  /** `HH:MM`. */
  time: string
  /** 0–10. */
  pain: number
  locations: string[]
  medications: Medication[]
  triggers: string[]
}

/** One edit of an entry, independent of the CRDT that applies it (Yjs here, Automerge for the peer). */
export type EntryEdit =
  | { kind: 'create'; fields: EntryFields; notes: string }
  | { kind: 'set'; key: keyof EntryFields; value: EntryFields[keyof EntryFields] }
  | { kind: 'notes'; index: number; remove: number; insert: string }

/** A generated entry: its edits, the Yjs update of each edit, and its final state. */
export interface DiaryEntry {
  id: string
  edits: EntryEdit[]
  /** One Yjs update per edit, in order. */
  updates: Uint8Array[]
  /** The whole document, `Y.encodeStateAsUpdate` after the last edit. */
  state: Uint8Array
  /** The final plain content. */
  fields: EntryFields
  notes: string
}

/** A generated diary. */
export interface Diary {
  seed: number
  entries: DiaryEntry[]
  /** Edits over all entries. */
  edits: number
  /** Sum of the entries' encoded states. */
  stateBytes: number
  /** Sum of every edit's update. */
  updateBytes: number
}

/** Options of {@link generateDiary}. */
export interface DiaryOptions {
  entries: number
  /** Edits per entry, the first creating it. Default 20. */
  editsPerEntry?: number
  /** Default 1. */
  seed?: number
}

/** The field map and text of an entry document. */
export const FIELDS_MAP = 'entry'
export const NOTES_TEXT = 'notes'

const LOCATIONS = ['head', 'neck', 'shoulders', 'upper back', 'lower back', 'hips', 'knees', 'hands', 'feet']
const TRIGGERS = [
  'poor sleep',
  'stress',
  'weather',
  'exercise',
  'long sitting',
  'lifting',
  'travel',
  'screens',
]
const MEDICATIONS: Medication[] = [
  { name: 'Ibuprofen', dose: '400 mg' },
  { name: 'Paracetamol', dose: '1 g' },
  { name: 'Naproxen', dose: '250 mg' },
  { name: 'Amitriptyline', dose: '10 mg' },
  { name: 'Gabapentin', dose: '300 mg' },
  { name: 'Codeine', dose: '30 mg' },
]
const WORDS = (
  'woke stiff after a restless night the ache spread from my lower back into the left hip and stayed ' +
  'there most of the morning walked the dog slowly which helped a little heat pad in the afternoon ' +
  'felt sharper when sitting at the desk for too long took a break and stretched rain coming in again ' +
  'hands swollen typing was hard evening was calmer slept better than yesterday physio exercises done ' +
  'skipped lunch headache started around four kept a diary of the meals cold weather makes it worse'
).split(' ')

/** The id of entry `i`: stable, sortable, short. */
export function entryId(i: number): string {
  return `e${String(i).padStart(6, '0')}`
}

/** Generates the diary (deterministic for a given seed). */
export function generateDiary(options: DiaryOptions): Diary {
  const { entries: count, editsPerEntry = 20, seed = 1 } = options
  const gen = prng.create(seed)
  const entries: DiaryEntry[] = []
  let stateBytes = 0
  let updateBytes = 0
  const start = Date.UTC(2020, 0, 1)
  for (let i = 0; i < count; i++) {
    const day = new Date(start + Math.floor(i / 3) * 86_400_000).toISOString().slice(0, 10)
    const edits = generateEdits(gen, day, editsPerEntry)
    const doc = new Y.Doc()
    doc.clientID = prng.uint32(gen, 1, 0x7fffffff)
    const updates: Uint8Array[] = []
    doc.on('update', (update: Uint8Array) => updates.push(update))
    for (const edit of edits) applyEdit(doc, edit)
    const state = Y.encodeStateAsUpdate(doc)
    const entry: DiaryEntry = { id: entryId(i), edits, updates, state, ...readEntry(doc) }
    doc.destroy()
    stateBytes += state.length
    for (const u of updates) updateBytes += u.length
    entries.push(entry)
  }
  return { seed, entries, edits: count * editsPerEntry, stateBytes, updateBytes }
}

/** Applies one edit to a Yjs entry document, in one transaction. */
export function applyEdit(doc: Y.Doc, edit: EntryEdit): void {
  doc.transact(() => {
    const map = doc.getMap(FIELDS_MAP)
    const text = doc.getText(NOTES_TEXT)
    if (edit.kind === 'create') {
      for (const [key, value] of Object.entries(edit.fields)) map.set(key, value)
      text.insert(0, edit.notes)
    } else if (edit.kind === 'set') {
      map.set(edit.key, edit.value)
    } else {
      const index = Math.min(edit.index, text.length)
      if (edit.remove > 0) text.delete(index, Math.min(edit.remove, text.length - index))
      if (edit.insert) text.insert(index, edit.insert)
    }
  })
}

/** Reads an entry document into plain values. */
export function readEntry(doc: Y.Doc): { fields: EntryFields; notes: string } {
  return {
    fields: doc.getMap(FIELDS_MAP).toJSON() as EntryFields,
    notes: doc.getText(NOTES_TEXT).toString(),
  }
}

/** A canonical string of an entry's content (keys sorted), to compare two reads. */
export function entryFingerprint(entry: { fields: EntryFields; notes: string }): string {
  return JSON.stringify([entry.fields, entry.notes], (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value,
  )
}

/** The summary `list()` shows of an entry: date, pain and the first words of the notes. */
export function summarizeEntry(doc: Y.Doc): { date: unknown; pain: unknown; title: string } {
  const map = doc.getMap(FIELDS_MAP)
  return {
    date: map.get('date'),
    pain: map.get('pain'),
    title: doc.getText(NOTES_TEXT).toString().slice(0, 40),
  }
}

function generateEdits(gen: prng.PRNG, date: string, count: number): EntryEdit[] {
  const fields: EntryFields = {
    date,
    time: clock(gen),
    pain: prng.int32(gen, 0, 10),
    locations: pick(gen, LOCATIONS, prng.int32(gen, 1, 3)),
    medications: pick(gen, MEDICATIONS, prng.int32(gen, 0, 2)),
    triggers: pick(gen, TRIGGERS, prng.int32(gen, 0, 2)),
  }
  let notesLength = 0
  const notes = sentence(gen, prng.int32(gen, 200, 400))
  notesLength = notes.length
  const edits: EntryEdit[] = [{ kind: 'create', fields: { ...fields }, notes }]
  for (let e = 1; e < count; e++) {
    const roll = prng.real53(gen)
    if (roll < 0.35) edits.push({ kind: 'set', key: 'pain', value: prng.int32(gen, 0, 10) })
    else if (roll < 0.55) {
      const insert = ` ${sentence(gen, prng.int32(gen, 10, 60))}`
      edits.push({ kind: 'notes', index: notesLength, remove: 0, insert })
      notesLength += insert.length
    } else if (roll < 0.75) {
      const index = prng.int32(gen, 0, notesLength)
      const remove = Math.min(prng.int32(gen, 0, 8), notesLength - index)
      // Every edit changes something, so each one yields exactly one update.
      const insert = remove === 0 || prng.bool(gen) ? `${prng.oneOf(gen, WORDS)} ` : ''
      edits.push({ kind: 'notes', index, remove, insert })
      notesLength += insert.length - remove
    } else if (roll < 0.83) {
      edits.push({ kind: 'set', key: 'locations', value: pick(gen, LOCATIONS, prng.int32(gen, 1, 3)) })
    } else if (roll < 0.9) {
      edits.push({ kind: 'set', key: 'medications', value: pick(gen, MEDICATIONS, prng.int32(gen, 1, 3)) })
    } else if (roll < 0.96) {
      edits.push({ kind: 'set', key: 'triggers', value: pick(gen, TRIGGERS, prng.int32(gen, 0, 3)) })
    } else edits.push({ kind: 'set', key: 'time', value: clock(gen) })
  }
  return edits
}

function clock(gen: prng.PRNG): string {
  return `${String(prng.int32(gen, 6, 23)).padStart(2, '0')}:${String(prng.int32(gen, 0, 59)).padStart(2, '0')}`
}

function pick<T>(gen: prng.PRNG, from: readonly T[], n: number): T[] {
  const pool = [...from]
  const out: T[] = []
  while (out.length < n && pool.length > 0) out.push(pool.splice(prng.int32(gen, 0, pool.length - 1), 1)[0]!)
  return out
}

function sentence(gen: prng.PRNG, length: number): string {
  const words: string[] = []
  let size = 0
  while (size < length) {
    const word = prng.oneOf(gen, WORDS)
    words.push(word)
    size += word.length + 1
  }
  const text = words.join(' ')
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`
}

/** Entries written per engine flush by {@link writeThrough}. */
export const WRITE_BATCH = 500

/**
 * Writes the entries through an engine as an app does: each entry's state
 * applied to its open document, flushed every {@link WRITE_BATCH} entries
 * while the documents are open (so their summaries are stored too).
 */
export async function writeThrough(
  engine: { doc(id: string): Promise<Y.Doc>; flush(): Promise<void> },
  entries: readonly DiaryEntry[],
  onBatch: () => void = () => {},
): Promise<void> {
  for (let i = 0; i < entries.length; i += WRITE_BATCH) {
    const docs: Y.Doc[] = []
    for (const entry of entries.slice(i, i + WRITE_BATCH)) {
      const doc = await engine.doc(entry.id)
      Y.applyUpdate(doc, entry.state)
      docs.push(doc)
    }
    await engine.flush()
    for (const doc of docs) doc.destroy()
    onBatch()
  }
}
