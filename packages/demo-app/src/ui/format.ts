/** Formatting shared by the screens: dates, times, pain colours and words. */
import { count } from '../model/plural.ts'

const PAIN_COLORS = [
  '#36a865',
  '#43a35a',
  '#64a844',
  '#86a63a',
  '#ad9a1f',
  '#c78a12',
  '#d8731a',
  '#e26a2e',
  '#c8442a',
  '#bf3430',
  '#9e2430',
]

/** Colour of a pain level, green (0) through amber to red (10). */
export function painColor(pain: number): string {
  return PAIN_COLORS[Math.min(10, Math.max(0, Math.round(pain)))]!
}

/** Relative luminance of a `#rrggbb` colour (WCAG 2). */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }) as [number, number, number]
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

/** WCAG contrast ratio of two `#rrggbb` colours. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number]
  return (hi + 0.05) / (lo + 0.05)
}

/** The text colour (white or the app's ink) that reads best on `background`. */
export function inkOn(background: string): string {
  return contrast(background, '#ffffff') >= contrast(background, '#1d2733') ? '#ffffff' : '#1d2733'
}

/** `hex` mixed with white: `amount` 0 is white, 1 the colour itself. */
export function tint(hex: string, amount: number): string {
  const mix = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16)
    return Math.round(255 - (255 - c) * amount)
      .toString(16)
      .padStart(2, '0')
  })
  return `#${mix.join('')}`
}

/** A word for a pain level. */
export function painWord(pain: number): string {
  if (pain === 0) return 'No pain'
  if (pain <= 3) return 'Mild'
  if (pain <= 6) return 'Moderate'
  if (pain <= 8) return 'Severe'
  return 'Worst possible'
}

/** Parses a stored `YYYY-MM-DDTHH:mm` as a local date; `undefined` if it is not one. */
export function parseLocal(at: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(at)
  if (!m) return undefined
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]))
}

/** "Tue 5 Mar 2024". */
export function formatDay(at: string): string {
  const d = parseLocal(at)
  if (!d) return 'No date'
  return d.toLocaleDateString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  })
}

/** "08:30". */
export function formatTime(at: string): string {
  const d = parseLocal(at)
  return d ? d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : ''
}

/** "just now", "5 min ago", "3 h ago", or a date and time. */
export function formatAgo(ms: number | undefined, now = Date.now()): string {
  if (ms === undefined || ms <= 0) return 'never'
  const s = Math.round((now - ms) / 1000)
  if (s < 10) return 'just now'
  if (s < 60) return `${s} s ago`
  if (s < 3600) return `${Math.floor(s / 60)} min ago`
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}

/** "1 entry" / "1,234 entries", by the language's plural rules. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return count(n, { one, other: many })
}
