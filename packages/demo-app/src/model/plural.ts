/**
 * Counted nouns ("1 entry", "3 entries") chosen by the language's plural rules (`Intl.PluralRules`),
 * never by `n === 1`: the diary's words, the engine's sentences and the screens all count through here.
 */

/** The forms of a counted word: `one` and `other` are required (English); other categories are optional. */
export type PluralForms = { one: string; other: string } & Partial<
  Record<Exclude<Intl.LDMLPluralRule, 'one' | 'other'>, string>
>

const rules = new Intl.PluralRules('en')

/** The form of `forms` for `n` ("entry" or "entries"). */
export function pluralForm(n: number, forms: PluralForms): string {
  return forms[rules.select(n)] ?? forms.other
}

/** `n` with its noun, the number formatted for the reader: "1 entry", "1,234 entries". */
export function count(n: number, forms: PluralForms): string {
  return `${n.toLocaleString('en')} ${pluralForm(n, forms)}`
}

/** Nouns the diary counts. */
export const NOUNS = {
  change: { one: 'change', other: 'changes' },
  entry: { one: 'entry', other: 'entries' },
  file: { one: 'file', other: 'files' },
  second: { one: 'second', other: 'seconds' },
  device: { one: 'device', other: 'devices' },
} as const satisfies Record<string, PluralForms>

/** A verb agreeing with `n`: `agree(1, 'is', 'are')` is "is". */
export function agree(n: number, one: string, other: string): string {
  return pluralForm(n, { one, other })
}
