/** Parses a grace period: `7d`, `12h`, `30m`, `45s`, or `0`. */
import { CliError } from '../errors.ts'

const UNITS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 }

export function parseGrace(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([dhms]?)$/.exec(text.trim())
  if (!match) throw new CliError(`--grace takes a duration such as 7d, 12h, 30m or 0, not "${text}"`)
  const n = Number(match[1])
  if (n !== 0 && !match[2]) throw new CliError(`--grace needs a unit (d, h, m or s): "${text}"`)
  return Math.round(n * (UNITS[match[2] || 's'] ?? 1000))
}
