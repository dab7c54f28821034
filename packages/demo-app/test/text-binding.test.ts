import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { TextBinding, type TextField } from '../src/binding/text-binding.ts'

/** A text field with a caret, as a browser textarea behaves for the binding. */
class FakeField implements TextField {
  value = ''
  selectionStart = 0
  selectionEnd = 0
  setSelectionRange(start: number, end: number): void {
    this.selectionStart = Math.min(start, this.value.length)
    this.selectionEnd = Math.min(end, this.value.length)
  }
  /** Types `text` at the caret, replacing the selection, as a keyboard would. */
  type(text: string): void {
    this.value = this.value.slice(0, this.selectionStart) + text + this.value.slice(this.selectionEnd)
    this.selectionStart = this.selectionEnd = this.selectionStart + text.length
  }
  backspace(): void {
    const at = this.selectionStart
    this.value = this.value.slice(0, at - 1) + this.value.slice(at)
    this.selectionStart = this.selectionEnd = at - 1
  }
}

/** Two documents that exchange every update, like two synced devices. */
function pair(): [Y.Doc, Y.Doc] {
  const a = new Y.Doc()
  const b = new Y.Doc()
  a.on('update', (u: Uint8Array, origin: unknown) => origin !== 'net' && Y.applyUpdate(b, u, 'net'))
  b.on('update', (u: Uint8Array, origin: unknown) => origin !== 'net' && Y.applyUpdate(a, u, 'net'))
  return [a, b]
}

describe('TextBinding', () => {
  it('shows the current text when bound and sends typing as minimal edits', () => {
    const doc = new Y.Doc()
    const text = doc.getText('notes')
    text.insert(0, 'knee')
    const field = new FakeField()
    const binding = new TextBinding(text, field)
    expect(field.value).toBe('knee')
    const deltas: unknown[] = []
    text.observe((e) => deltas.push(e.delta))
    field.setSelectionRange(0, 0)
    field.type('left ')
    binding.onInput()
    expect(text.toString()).toBe('left knee')
    expect(deltas).toEqual([[{ insert: 'left ' }]])
    binding.destroy()
  })

  it('keeps the caret in place when a remote edit lands before it', () => {
    const [a, b] = pair()
    const field = new FakeField()
    const binding = new TextBinding(a.getText('notes'), field)
    field.type('sore back')
    binding.onInput()
    field.setSelectionRange(5, 5) // between "sore " and "back"
    b.getText('notes').insert(0, 'Very ')
    expect(field.value).toBe('Very sore back')
    expect(field.selectionStart).toBe(10)
    field.type('lower ')
    binding.onInput()
    expect(b.getText('notes').toString()).toBe('Very sore lower back')
    binding.destroy()
  })

  it('converges when two people type into the same notes at once', () => {
    const [a, b] = pair()
    const fa = new FakeField()
    const fb = new FakeField()
    const ba = new TextBinding(a.getText('notes'), fa)
    const bb = new TextBinding(b.getText('notes'), fb)
    fa.type('Slept badly.')
    ba.onInput()
    fb.setSelectionRange(fb.value.length, fb.value.length)
    for (const ch of ' Took a walk.') {
      fb.type(ch)
      bb.onInput()
      fa.type(ch === ' ' ? ' ' : ch.toUpperCase())
      ba.onInput()
    }
    expect(fa.value).toBe(fb.value)
    expect(a.getText('notes').toString()).toBe(fa.value)
    // Each side's characters stay in their own order.
    expect(fa.value.replace(/[^a-z.]/g, '')).toContain('lept')
    ba.destroy()
    bb.destroy()
  })

  it('holds remote edits during IME composition and merges them when it ends', () => {
    const [a, b] = pair()
    const field = new FakeField()
    const binding = new TextBinding(a.getText('notes'), field)
    field.type('pain ')
    binding.onInput()
    binding.onCompositionStart()
    field.type('痛み')
    binding.onInput() // ignored while composing
    b.getText('notes').insert(0, 'Morning: ')
    expect(field.value).toBe('pain 痛み') // the composition is not disturbed
    binding.onCompositionEnd()
    expect(field.value).toBe('Morning: pain 痛み')
    expect(field.selectionStart).toBe('Morning: pain 痛み'.length)
    expect(b.getText('notes').toString()).toBe('Morning: pain 痛み')
    binding.destroy()
  })

  it('handles backspace and stops following the text once destroyed', () => {
    const doc = new Y.Doc()
    const text = doc.getText('notes')
    const field = new FakeField()
    const binding = new TextBinding(text, field)
    field.type('aches')
    binding.onInput()
    field.backspace()
    binding.onInput()
    expect(text.toString()).toBe('ache')
    binding.destroy()
    text.insert(0, 'x')
    expect(field.value).toBe('ache')
  })
})
