import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  addMedication,
  clampPain,
  initEntry,
  isBlank,
  readEntry,
  removeMedication,
  setDateTime,
  setLocation,
  setPain,
  setTrigger,
  toLocalDateTime,
  updateMedication,
} from '../src/model/entry.ts'

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)))
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)))
}

describe('diary entry model', () => {
  it('initialises and reads back every field', () => {
    const doc = new Y.Doc()
    expect(isBlank(doc)).toBe(true)
    initEntry(doc, {
      at: '2024-03-05T08:30',
      pain: 7,
      locations: ['Neck', 'Head'],
      triggers: ['Stress'],
      medications: [{ id: 'm1', name: 'Ibuprofen', dose: '400 mg', addedAt: 1 }],
      notes: 'Woke up stiff.',
    })
    expect(isBlank(doc)).toBe(false)
    expect(readEntry(doc)).toEqual({
      at: '2024-03-05T08:30',
      pain: 7,
      locations: ['Head', 'Neck'],
      triggers: ['Stress'],
      medications: [{ id: 'm1', name: 'Ibuprofen', dose: '400 mg', addedAt: 1 }],
      notes: 'Woke up stiff.',
    })
  })

  it('clamps pain to the 0–10 scale and defaults the date to now', () => {
    expect(clampPain(12)).toBe(10)
    expect(clampPain(-1)).toBe(0)
    expect(clampPain(Number.NaN)).toBe(0)
    expect(clampPain(6.6)).toBe(7)
    const doc = new Y.Doc()
    const now = new Date(2024, 0, 2, 3, 4).getTime()
    initEntry(doc, {}, now)
    expect(readEntry(doc).at).toBe('2024-01-02T03:04')
    expect(toLocalDateTime(new Date(2024, 11, 31, 23, 59))).toBe('2024-12-31T23:59')
  })

  it('merges concurrent edits of different fields from two devices', () => {
    const phone = new Y.Doc()
    initEntry(phone, { at: '2024-03-05T08:30', pain: 4 })
    const laptop = new Y.Doc()
    sync(phone, laptop)
    setPain(phone, 8)
    setLocation(phone, 'Knees', true)
    const med = addMedication(phone, 'Paracetamol', '1 g')
    setDateTime(laptop, '2024-03-05T09:00')
    setLocation(laptop, 'Feet', true)
    setTrigger(laptop, 'Weather change', true)
    sync(phone, laptop)
    updateMedication(laptop, med, { dose: '500 mg' })
    updateMedication(phone, med, { name: 'Acetaminophen' })
    sync(phone, laptop)
    const merged = readEntry(phone)
    expect(readEntry(laptop)).toEqual(merged)
    expect(merged).toMatchObject({
      at: '2024-03-05T09:00',
      pain: 8,
      locations: ['Feet', 'Knees'],
      triggers: ['Weather change'],
      medications: [{ id: med, name: 'Acetaminophen', dose: '500 mg' }],
    })
  })

  it('removes selections and medications, and ignores unknown medication ids', () => {
    const doc = new Y.Doc()
    initEntry(doc, { locations: ['Hips'], triggers: ['Travel'] })
    const id = addMedication(doc, 'Naproxen', '250 mg')
    setLocation(doc, 'Hips', false)
    setTrigger(doc, 'Travel', false)
    updateMedication(doc, 'nope', { name: 'x' })
    removeMedication(doc, id)
    const e = readEntry(doc)
    expect(e.locations).toEqual([])
    expect(e.triggers).toEqual([])
    expect(e.medications).toEqual([])
  })
})
