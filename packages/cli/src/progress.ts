/** A progress bar on stderr, shown only when stderr is a terminal. */
import type { InspectProgress } from '@y-dropbox/core'
import cliProgress from 'cli-progress'

/** Progress reporting for a command: a bar on a terminal, nothing otherwise. */
export interface ProgressDisplay {
  onProgress?: (progress: InspectProgress) => void
  stop(): void
}

/** Starts a bar when stderr is a terminal. */
export function progressDisplay(): ProgressDisplay {
  if (!process.stderr.isTTY) return { stop: () => {} }
  const bar = new cliProgress.SingleBar(
    {
      format: '{bar} {value}/{total} {phase}',
      hideCursor: true,
      clearOnComplete: true,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  )
  let started = false
  return {
    onProgress: ({ phase, done, total }) => {
      if (!started) {
        bar.start(Math.max(1, total), done, { phase })
        started = true
      } else {
        bar.setTotal(Math.max(1, total))
        bar.update(done, { phase })
      }
    },
    stop: () => {
      if (started) bar.stop()
    },
  }
}
