/** How the command line writes numbers, sizes, times and tables for people. */

/** `1,234`. */
export function count(n: number): string {
  return n.toLocaleString('en-US')
}

/** `1.2 MB` (decimal units, as Dropbox shows them). */
export function bytes(n: number): string {
  if (n < 1000) return `${n} B`
  const units = ['kB', 'MB', 'GB', 'TB']
  let value = n
  let unit = -1
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}

/** `2026-05-03 09:12 UTC`, or `unknown` for 0. */
export function time(ms: number): string {
  if (!ms) return 'unknown'
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/** `7 days`, `3 hours`, `0 s`. */
export function duration(ms: number): string {
  const day = 86_400_000
  if (ms >= day && ms % day === 0) return `${ms / day} day${ms === day ? '' : 's'}`
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`
  return `${Math.round(ms / 1000)} s`
}

/** Left-aligned columns, two spaces apart, each line indented by `indent`. */
export function table(rows: string[][], indent = '  '): string {
  const widths: number[] = []
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length)
  }
  return rows
    .map(
      (row) =>
        indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '),
    )
    .join('\n')
}
