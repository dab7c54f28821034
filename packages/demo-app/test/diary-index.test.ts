import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DiaryIndex, type ListItem, parseQuery } from '../src/model/diary-index.ts'
import { addMedication, initEntry } from '../src/model/entry.ts'
import { firstWords, readSummary, summarizeEntry } from '../src/model/summary.ts'

function item(id: string, at: string, pain: number, words = '', extra: Partial<ListItem> = {}): ListItem {
  return {
    id,
    updatedAt: 1,
    deleted: false,
    summary: { at, pain, words, locations: [], triggers: [], medications: [] },
    ...extra,
  }
}

describe('summary', () => {
  it('summarises date, pain, first words and selections', () => {
    const doc = new Y.Doc()
    initEntry(doc, {
      at: '2024-05-01T07:00',
      pain: 6,
      locations: ['Lower back'],
      triggers: ['Lifting'],
      notes: `Moved boxes all day.\n\n${'and more '.repeat(30)}`,
    })
    addMedication(doc, 'Ibuprofen', '200 mg')
    const s = summarizeEntry(doc)
    expect(s.at).toBe('2024-05-01T07:00')
    expect(s.pain).toBe(6)
    expect(s.words.startsWith('Moved boxes all day. and more')).toBe(true)
    expect(s.words.endsWith('…')).toBe(true)
    expect(s.words.length).toBeLessThanOrEqual(91)
    expect(s.locations).toEqual(['Lower back'])
    expect(s.medications).toEqual(['Ibuprofen'])
    expect(readSummary(JSON.parse(JSON.stringify(s)))).toEqual(s)
  })

  it('rejects things that are not summaries and tolerates missing lists', () => {
    expect(readSummary(undefined)).toBeUndefined()
    expect(readSummary('x')).toBeUndefined()
    expect(readSummary({ at: 1, pain: 2 })).toBeUndefined()
    expect(readSummary({ at: '2024-01-01T00:00', pain: 2 })).toEqual({
      at: '2024-01-01T00:00',
      pain: 2,
      words: '',
      locations: [],
      triggers: [],
      medications: [],
    })
  })

  it('cuts notes at a word boundary', () => {
    expect(firstWords('short', 10)).toBe('short')
    expect(firstWords('one two three four', 9)).toBe('one two…')
    expect(firstWords('abcdefghijklmnop', 5)).toBe('abcde…')
  })
})

describe('DiaryIndex', () => {
  it('lists newest first and hides deleted entries', () => {
    const index = new DiaryIndex()
    index.replaceAll([
      item('a', '2024-01-01T10:00', 3),
      item('b', '2024-02-01T10:00', 5),
      item('c', '2023-12-31T23:00', 1),
    ])
    expect(index.all().map((r) => r.id)).toEqual(['b', 'a', 'c'])
    expect(index.upsert([{ id: 'b', updatedAt: 2, deleted: true }])).toBe(true)
    expect(index.all().map((r) => r.id)).toEqual(['a', 'c'])
    expect(index.size).toBe(2)
    expect(index.get('b')).toBeUndefined()
  })

  it('keeps a known summary when an update comes without one, and reports no-op updates', () => {
    const index = new DiaryIndex()
    index.replaceAll([item('a', '2024-01-01T10:00', 3, 'knee')])
    expect(index.upsert([{ id: 'a', updatedAt: 5, deleted: false }])).toBe(true)
    expect(index.get('a')?.summary?.words).toBe('knee')
    const same = index.get('a')!
    expect(index.upsert([{ id: 'a', updatedAt: 5, deleted: false }])).toBe(false)
    expect(index.get('a')).toBe(same)
  })

  it('searches words across fields and filters by pain', () => {
    const index = new DiaryIndex()
    index.replaceAll([
      item('a', '2024-01-01T10:00', 3, 'Knee hurts after running'),
      item('b', '2024-01-02T10:00', 8, 'Migraine all day'),
      item('c', '2024-01-03T10:00', 7, 'knee and back'),
      { id: 'd', updatedAt: 9, deleted: false },
    ])
    expect(index.search('knee').map((r) => r.id)).toEqual(['c', 'a'])
    expect(index.search('pain>=7').map((r) => r.id)).toEqual(['c', 'b'])
    expect(index.search('KNEE pain>5').map((r) => r.id)).toEqual(['c'])
    expect(index.search('pain<4').map((r) => r.id)).toEqual(['a'])
    expect(index.search('pain:8').map((r) => r.id)).toEqual(['b'])
    expect(index.search('2024-01-02').map((r) => r.id)).toEqual(['b'])
    expect(index.search('').length).toBe(4) // the unsummarised entry is listed, never matched by words
    expect(parseQuery('pain>=3 pain<=5 x')).toEqual({ words: ['x'], minPain: 3, maxPain: 5 })
  })

  it('sorts and searches 10,000 entries', () => {
    const index = new DiaryIndex()
    const items: ListItem[] = []
    for (let i = 0; i < 10_000; i++) {
      const day = new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString().slice(0, 16)
      items.push(item(`e${i}`, day, i % 11, i % 100 === 0 ? 'flare' : 'fine'))
    }
    index.replaceAll(items)
    expect(index.all()[0]!.id).toBe('e9999')
    expect(index.search('flare').length).toBe(100)
  })
})
