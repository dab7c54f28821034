/**
 * The terminal display of a long run (cli-progress): one bar for the run (its
 * scenarios) and one for the current phase, each with the time spent and an
 * estimate of the time left. Off a terminal (a log file, CI) the same bars
 * are printed as lines every few seconds.
 */
import cliProgress from 'cli-progress'
import type { Progress } from './types.ts'

/** What the run drives. */
export interface Display {
  progress: Progress
  /** A scenario starts (the run bar advances past the previous one); `weight`: its share of the run's total. */
  scenario(name: string, weight?: number): void
  stop(): void
}

/** A display for a run of scenarios weighing `total` together (one each by default). */
export function progressDisplay(total: number): Display {
  const tty = process.stderr.isTTY === true
  const bars = new cliProgress.MultiBar(
    {
      format: '{bar} {value}/{total} | {duration_formatted} spent, ~{eta_formatted} left | {label}',
      hideCursor: tty,
      clearOnComplete: false,
      stopOnComplete: false,
      etaBuffer: 50,
      noTTYOutput: !tty,
      notTTYSchedule: 10_000,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  )
  const run = bars.create(Math.max(1, total), 0, { label: 'starting' })
  let phase: cliProgress.SingleBar | undefined
  let previous = 0
  return {
    progress: {
      phase(label, total) {
        if (phase) bars.remove(phase)
        phase = bars.create(Math.max(1, total), 0, { label })
      },
      tick(steps = 1) {
        phase?.increment(steps)
      },
    },
    scenario(name, weight = 1) {
      run.increment(previous, { label: name })
      previous = weight
    },
    stop() {
      bars.stop()
    },
  }
}
