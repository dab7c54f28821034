import { describe, expect, it } from 'vitest'
import { diffText, mapPosition, rebaseChange, type TextChange } from '../src/binding/text-diff.ts'

function applyChange(text: string, c: TextChange): string {
  return text.slice(0, c.index) + c.insert + text.slice(c.index + c.remove)
}

describe('diffText', () => {
  it('returns nothing for equal texts', () => {
    expect(diffText('same', 'same')).toBeUndefined()
  })

  it('finds a single insertion, using the caret to place it among repeated characters', () => {
    expect(diffText('aa', 'aaa', 1)).toEqual({ index: 0, remove: 0, insert: 'a' })
    expect(diffText('aa', 'aaa', 2)).toEqual({ index: 1, remove: 0, insert: 'a' })
    expect(diffText('aa', 'aaa', 3)).toEqual({ index: 2, remove: 0, insert: 'a' })
  })

  it('finds deletions (backspace among repeated characters) and replacements', () => {
    expect(diffText('aaa', 'aa', 0)).toEqual({ index: 0, remove: 1, insert: '' })
    expect(diffText('hello world', 'hello there world', 12)).toEqual({
      index: 6,
      remove: 0,
      insert: 'there ',
    })
    expect(diffText('pain in knee', 'pain in back', 12)).toEqual({ index: 8, remove: 4, insert: 'back' })
  })

  it('stays minimal when the caret is wrong (a scripted change)', () => {
    expect(diffText('hello', 'hello world', 0)).toEqual({ index: 5, remove: 0, insert: ' world' })
    expect(diffText('xab', 'ab', 2)).toEqual({ index: 0, remove: 1, insert: '' })
  })

  it('never splits a surrogate pair', () => {
    const before = 'a\u{1F600}b'
    const after = 'a\u{1F601}b'
    const change = diffText(before, after, 3)!
    expect(change).toEqual({ index: 1, remove: 2, insert: '\u{1F601}' })
  })

  it('always produces a change that turns before into after', () => {
    const samples = ['', 'a', 'abc', 'abcabc', 'aaaa', 'xyz', 'the knee hurts', '\u{1F600}\u{1F600}']
    for (const before of samples) {
      for (const after of samples) {
        for (let caret = 0; caret <= after.length; caret++) {
          const change = diffText(before, after, caret)
          expect(change ? applyChange(before, change) : before).toBe(after)
        }
      }
    }
  })
})

describe('mapPosition', () => {
  it('shifts a caret after an insertion before it and keeps it before an insertion after it', () => {
    expect(mapPosition([{ insert: 'abc' }], 5)).toBe(8)
    expect(mapPosition([{ retain: 6 }, { insert: 'abc' }], 5)).toBe(5)
  })

  it('sticks right by default and left on request when text is inserted at the caret', () => {
    expect(mapPosition([{ retain: 5 }, { insert: 'xy' }], 5)).toBe(7)
    expect(mapPosition([{ retain: 5 }, { insert: 'xy' }], 5, false)).toBe(5)
  })

  it('collapses into a deletion that covers it and shifts after deletions before it', () => {
    expect(mapPosition([{ retain: 2 }, { delete: 5 }], 4)).toBe(2)
    expect(mapPosition([{ delete: 3 }], 10)).toBe(7)
    expect(mapPosition([{ retain: 10 }, { delete: 3 }], 4)).toBe(4)
  })

  it('counts embeds as one unit', () => {
    expect(mapPosition([{ insert: { image: 'x' } }], 0)).toBe(1)
  })
})

describe('rebaseChange', () => {
  it('moves a local change and the caret past text inserted remotely before it', () => {
    // Old text "hello", user composed "hello there" (insert at 5); meanwhile "oh " was added at 0.
    const local = { index: 5, remove: 0, insert: ' there' }
    const { change, mapLocal } = rebaseChange(local, [[{ insert: 'oh ' }]])
    expect(change).toEqual({ index: 8, remove: 0, insert: ' there' })
    expect(applyChange('oh hello', change)).toBe('oh hello there')
    expect(mapLocal(11)).toBe(14) // caret at the end of the composed text
    expect(mapLocal(2)).toBe(5) // a position before the change
  })

  it('maps positions after the local change through remote changes after it', () => {
    // Old "ab cd", local replaced "ab" by "xyz" → "xyz cd"; remote appended "!" → "ab cd!".
    const local = { index: 0, remove: 2, insert: 'xyz' }
    const { change, mapLocal } = rebaseChange(local, [[{ retain: 5 }, { insert: '!' }]])
    expect(applyChange('ab cd!', change)).toBe('xyz cd!')
    expect(mapLocal(2)).toBe(2) // inside the local insertion
    expect(mapLocal(4)).toBe(4) // between "xyz " and "cd"
    expect(mapLocal(6)).toBe(7) // text inserted at the caret pushes it right, as Yjs positions do
  })
})
