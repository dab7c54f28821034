/** What `verifyPool` (and the readers under it) report: one damaged, missing or odd file each. */

/** How a problem is put right by `repairPool`. */
export type Remedy =
  /** Move the file to `<root>/recovered/`, out of the devices' view. */
  | 'quarantine'
  /** Write a new snapshot from everything readable, covering past lost batches. */
  | 'rebuild-snapshot'

/** One finding of a pool check. */
export interface PoolProblem {
  /** The file concerned (lower case, as the store reports it). */
  path: string
  /** `error`: damage or loss (verify exits 1); `warning`: worth knowing, harmless to devices. */
  severity: 'error' | 'warning'
  /** `damaged`: the bytes are wrong; `missing`: a file that should be there is not; `unexpected`: a file no device uses. */
  kind: 'damaged' | 'missing' | 'unexpected'
  /** What is wrong with the file. */
  message: string
  /** What it means for the devices and the data. */
  meaning: string
  /** What `repairPool` does about it, when anything. */
  remedies: Remedy[]
}

/** Builds a problem (errors by default). */
export function problem(
  path: string,
  kind: PoolProblem['kind'],
  message: string,
  meaning: string,
  remedies: Remedy[] = [],
  severity: PoolProblem['severity'] = kind === 'unexpected' ? 'warning' : 'error',
): PoolProblem {
  return { path, severity, kind, message: strip(message), meaning, remedies }
}

/** An error's message without the package prefix and the path it repeats. */
export function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return strip(text.replace(/ \((\/[^)]*)\)$/, ''))
}

function strip(text: string): string {
  return text.replace(/^y-dropbox: /, '')
}
