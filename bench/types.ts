/** What scenarios produce and what they are given. */
import type { Diary } from './data.ts'
import type { RemoteHost } from './remote.ts'

/** Units figures are shown in. */
export type Unit = 'ms' | 'B' | 'calls' | 'count' | 'x'

/** A measured number. */
export interface Figure {
  value: number
  unit: Unit
}

/** One row of a scenario's table: ours against the baseline or a peer. */
export interface Row {
  /** What the row measures. */
  scenario: string
  /** Our figure, or a sentence when there is none (e.g. "not available yet"). */
  ours: Figure | string
  /** The baseline or peer figure (or a sentence such as "did not finish in 60 s at 10,000"). */
  baseline?: Figure | string
  /** What the baseline or peer is. */
  against: string
  /** ours / baseline, when both are numbers. */
  ratio?: number
  /** The target, in words. */
  target: string
  /** Whether the target is met; undefined when the row has no target. */
  met?: boolean
}

/** What a scenario reports. */
export interface ScenarioResult {
  /** Short id, e.g. `bootstrap`. */
  id: string
  /** Heading in RESULTS.md. */
  title: string
  /** One paragraph: what was done, on what data. */
  about: string
  rows: Row[]
  /** Extra lines below the table (profiles, caveats). */
  notes: string[]
  /** Raw figures for the JSON file. */
  raw: Record<string, unknown>
}

/** The terminal progress display (a no-op in tests). */
export interface Progress {
  /** Starts a phase of `total` steps. */
  phase(label: string, total: number): void
  /** Advances the current phase. */
  tick(steps?: number): void
}

/** What every scenario is given. */
export interface BenchContext {
  /** Entries in the diary (1,000 or 10,000 in real runs). */
  size: number
  /** Edits per entry. */
  editsPerEntry: number
  /** Fewer repetitions and shorter budgets. */
  quick: boolean
  /** Repetitions of the propagation scenario. */
  saves: number
  /** Time budget of each slow peer, in ms. */
  peerBudgetMs: number
  /** The diary of `n` entries (default `size`); entries are the same prefix whatever `n`. */
  diary(n?: number): Diary
  /** The emulator. */
  remote: RemoteHost
  /** Where emulators run (scenarios that need one of their own start it there). */
  emulator: 'process' | 'in-process'
  /** A scratch folder, removed at the end. */
  tmp: string
  progress: Progress
  /** Figures scenarios publish for later ones (peers compare against ours). */
  figures: Map<string, number>
  /** Profile the bootstrap in a child process with `node --cpu-prof`. */
  profile: boolean
  /** Fleet sizes of the devices scenario, and the simulated hours each idle fleet is watched. */
  devices: { counts: number[]; idleHours: number }
}
