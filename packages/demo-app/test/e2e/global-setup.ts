/**
 * Finds Chromium (or installs Debian's) before the browser tests, and fails the run loudly when
 * that is impossible: a missing browser must never turn into skipped tests.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Chromium executable the tests launch. */
    chromiumPath: string
  }
}

export default function setup(project: TestProject): void {
  const script = fileURLToPath(new URL('../../../../scripts/ensure-chromium.mjs', import.meta.url))
  const run = spawnSync(process.execPath, [script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const path = run.stdout.trim().split('\n').pop() ?? ''
  if (run.status !== 0 || !path) {
    throw new Error(
      `No Chromium for the browser tests (scripts/ensure-chromium.mjs exited with ${run.status}); see the message above`,
    )
  }
  project.provide('chromiumPath', path)
}
