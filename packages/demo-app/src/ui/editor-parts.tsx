/** Pieces of the entry editor: the pain scale, multi-select chips, the medication list. */
import type * as Y from 'yjs'
import {
  addMedication,
  MAX_PAIN,
  type Medication,
  removeMedication,
  updateMedication,
} from '../model/entry.ts'
import { inkOn, painColor, painWord, tint } from './format.ts'

/** Props of {@link PainScale}. */
export interface PainScaleProps {
  /** The level shown as chosen. */
  value: number
  /** Called with the level the person chose. */
  onChange: (pain: number) => void
  /** Id of the element that names the scale. */
  labelledBy?: string
}

/**
 * Pain 0–10 as a row of coloured buttons that a screen reader hears as one choice ("Pain level,
 * radio group, 6 – Moderate, checked, 7 of 11"). One Tab reaches it; the arrow keys, Home and End
 * choose, as in any radio group.
 */
export function PainScale({ value, onChange, labelledBy }: PainScaleProps) {
  const move = (e: KeyboardEvent) => {
    const next =
      e.key === 'ArrowRight' || e.key === 'ArrowUp'
        ? Math.min(MAX_PAIN, value + 1)
        : e.key === 'ArrowLeft' || e.key === 'ArrowDown'
          ? Math.max(0, value - 1)
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? MAX_PAIN
              : undefined
    if (next === undefined) return
    e.preventDefault()
    if (next !== value) onChange(next)
    const group = e.currentTarget as HTMLElement
    queueMicrotask(() => group.querySelector<HTMLElement>(`[data-pain="${next}"]`)?.focus())
  }
  return (
    <div>
      <div
        class="pain-scale"
        role="radiogroup"
        {...(labelledBy ? { 'aria-labelledby': labelledBy } : { 'aria-label': 'Pain level' })}
        onKeyDown={move}
      >
        {Array.from({ length: MAX_PAIN + 1 }, (_, n) => (
          // biome-ignore lint/a11y/useSemanticElements: coloured tap targets; the APG radio group pattern (roving tabindex, arrows) is implemented above
          <button
            key={n}
            type="button"
            role="radio"
            aria-checked={n === value}
            aria-label={`Pain ${n} – ${painWord(n)}`}
            tabIndex={n === value ? 0 : -1}
            data-pain={n}
            class={n === value ? 'on' : ''}
            style={
              n === value
                ? { background: painColor(n), color: inkOn(painColor(n)) }
                : { background: tint(painColor(n), 0.3), color: '#1d2733' }
            }
            onClick={() => onChange(n)}
          >
            {n}
          </button>
        ))}
      </div>
      <div class="pain-caption" aria-hidden="true">
        {value} / 10 · {painWord(value)}
      </div>
    </div>
  )
}

/** A set of options, any number selected. */
export function ChipGroup(props: {
  label: string
  options: readonly string[]
  selected: readonly string[]
  onToggle: (option: string, selected: boolean) => void
}) {
  const chosen = new Set(props.selected)
  // Selections synced from another device that this list does not offer still show.
  const options = [...props.options, ...props.selected.filter((s) => !props.options.includes(s))]
  return (
    <fieldset class="chips" aria-label={props.label}>
      {options.map((option) => {
        const on = chosen.has(option)
        return (
          <button
            key={option}
            type="button"
            class={`chip ${on ? 'on' : ''}`}
            aria-pressed={on}
            onClick={() => props.onToggle(option, !on)}
          >
            {option}
          </button>
        )
      })}
    </fieldset>
  )
}

/** Medications taken: name and dose per line, add and remove. */
export function MedicationList({ doc, medications }: { doc: Y.Doc; medications: Medication[] }) {
  return (
    <div>
      {medications.map((m) => (
        <div key={m.id}>
          <div class="med">
            <input
              class="input"
              aria-label="Medication name"
              placeholder="Medication"
              aria-invalid={!m.name.trim() && m.dose.trim() ? true : undefined}
              value={m.name}
              onInput={(e) => updateMedication(doc, m.id, { name: e.currentTarget.value })}
            />
            <input
              class="input"
              aria-label="Dose"
              placeholder="Dose"
              value={m.dose}
              onInput={(e) => updateMedication(doc, m.id, { dose: e.currentTarget.value })}
            />
            <button
              type="button"
              class="icon-btn"
              aria-label={`Remove ${m.name || 'medication'}`}
              onClick={() => removeMedication(doc, m.id)}
            >
              ✕
            </button>
          </div>
          {!m.name.trim() && m.dose.trim() && (
            <p class="small field-error" role="alert">
              Enter the name of the medication taken at {m.dose.trim()}.
            </p>
          )}
        </div>
      ))}
      <button type="button" class="btn" onClick={() => addMedication(doc, '', '')}>
        + Add medication
      </button>
    </div>
  )
}
