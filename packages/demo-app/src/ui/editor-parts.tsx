/** Pieces of the entry editor: the pain scale, multi-select chips, the medication list. */
import type * as Y from 'yjs'
import {
  addMedication,
  MAX_PAIN,
  type Medication,
  removeMedication,
  updateMedication,
} from '../model/entry.ts'
import { painColor, painWord } from './format.ts'

/** Pain 0–10 as a row of coloured buttons. */
export function PainScale({ value, onChange }: { value: number; onChange: (pain: number) => void }) {
  return (
    <div>
      <fieldset class="pain-scale" aria-label="Pain level">
        {Array.from({ length: MAX_PAIN + 1 }, (_, n) => (
          <button
            key={n}
            type="button"
            aria-pressed={n === value}
            aria-label={`Pain ${n}`}
            class={n === value ? 'on' : ''}
            style={{ background: painColor(n) }}
            onClick={() => onChange(n)}
          >
            {n}
          </button>
        ))}
      </fieldset>
      <div class="pain-caption">
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
        <div class="med" key={m.id}>
          <input
            class="input"
            aria-label="Medication name"
            placeholder="Medication"
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
      ))}
      <button type="button" class="btn" onClick={() => addMedication(doc, '', '')}>
        + Add medication
      </button>
    </div>
  )
}
