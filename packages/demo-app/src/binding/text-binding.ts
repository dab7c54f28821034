/**
 * Binds a text field (a `<textarea>`) to a `Y.Text`. Local typing becomes the smallest change to the
 * Y.Text; remote changes are written into the field with the caret and selection moved through them,
 * so a collaborator's typing never moves the user's caret or eats their input. During IME
 * composition remote changes wait and are merged when the composition ends.
 */
import type * as Y from 'yjs'
import { type DeltaOp, diffText, mapPositionThrough, rebaseChange, type TextChange } from './text-diff.ts'

/** The part of an `HTMLTextAreaElement` the binding uses (a plain object in tests). */
export interface TextField {
  /** The field's current text. */
  value: string
  /** Selection start (UTF-16 code units). */
  selectionStart: number | null
  /** Selection end (UTF-16 code units). */
  selectionEnd: number | null
  /** Sets the selection without changing the text. */
  setSelectionRange(start: number, end: number): void
}

/** Keeps one text field and one Y.Text equal. Call the `on*` methods from the field's events. */
export class TextBinding {
  /** What the field showed after the last sync with the Y.Text. */
  private shadow: string
  private composing = false
  private readonly pending: DeltaOp[][] = []
  private readonly observer = (event: Y.YTextEvent, transaction: Y.Transaction): void => {
    if (transaction.origin === this) return
    if (this.composing) {
      this.pending.push(event.delta as DeltaOp[])
      return
    }
    this.render([event.delta as DeltaOp[]])
  }

  constructor(
    /** The shared text. */
    readonly text: Y.Text,
    /** The field showing it. */
    readonly field: TextField,
  ) {
    this.shadow = text.toString()
    field.value = this.shadow
    text.observe(this.observer)
  }

  /** Call on every `input` event: sends the user's edit to the Y.Text. */
  onInput(): void {
    if (this.composing) return
    const change = diffText(this.shadow, this.field.value, this.field.selectionEnd ?? undefined)
    this.shadow = this.field.value
    if (change) this.apply(change)
  }

  /** Call on `compositionstart`. */
  onCompositionStart(): void {
    this.composing = true
  }

  /** Call on `compositionend`: commits the composed text and shows changes that arrived meanwhile. */
  onCompositionEnd(): void {
    this.composing = false
    const deltas = this.pending.splice(0)
    const change = diffText(this.shadow, this.field.value, this.field.selectionEnd ?? undefined)
    if (!change) {
      if (deltas.length > 0) this.render(deltas)
      return
    }
    const { change: rebased, mapLocal } = rebaseChange(change, deltas)
    const start = this.field.selectionStart ?? 0
    const end = this.field.selectionEnd ?? start
    this.apply(rebased)
    this.show(mapLocal(start), mapLocal(end))
  }

  /** Stops listening to the Y.Text. */
  destroy(): void {
    this.text.unobserve(this.observer)
  }

  private apply(change: TextChange): void {
    const doc = this.text.doc
    const run = () => {
      if (change.remove > 0) this.text.delete(change.index, change.remove)
      if (change.insert) this.text.insert(change.index, change.insert)
    }
    if (doc) doc.transact(run, this)
    else run()
    this.shadow = this.text.toString()
  }

  private render(deltas: DeltaOp[][]): void {
    const start = this.field.selectionStart ?? 0
    const end = this.field.selectionEnd ?? start
    this.show(mapPositionThrough(deltas, start), mapPositionThrough(deltas, end))
  }

  private show(start: number, end: number): void {
    const value = this.text.toString()
    this.shadow = value
    if (this.field.value !== value) this.field.value = value
    this.field.setSelectionRange(start, end)
  }
}

/**
 * Binds a textarea to a Y.Text and returns a function that unbinds it. The textarea's content is
 * replaced by the Y.Text's.
 */
export function bindTextarea(text: Y.Text, textarea: HTMLTextAreaElement): () => void {
  const binding = new TextBinding(text, textarea)
  const onInput = (event: Event) => {
    if (!(event as InputEvent).isComposing) binding.onInput()
  }
  const onStart = () => binding.onCompositionStart()
  const onEnd = () => binding.onCompositionEnd()
  textarea.addEventListener('input', onInput)
  textarea.addEventListener('compositionstart', onStart)
  textarea.addEventListener('compositionend', onEnd)
  return () => {
    textarea.removeEventListener('input', onInput)
    textarea.removeEventListener('compositionstart', onStart)
    textarea.removeEventListener('compositionend', onEnd)
    binding.destroy()
  }
}
