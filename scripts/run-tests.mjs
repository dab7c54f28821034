#!/usr/bin/env node
// Runs every check of `npm test` in order (typecheck, lint, API docs, all vitest suites, the browser
// suite, then the consumer test of the packed packages) and ends with one plain line,
// `tests: N passed, N failed`, counted from the runners' JSON reports (a test file that failed to
// run counts as a failed test; see test-report.mjs). Exits non-zero when any step fails.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { countVitestReport } from './test-report.mjs'

const root = new URL('..', import.meta.url).pathname
const results = join(root, '.test-results')
rmSync(results, { recursive: true, force: true })
mkdirSync(results, { recursive: true })

const bin = (name) => join(root, 'node_modules', '.bin', name)
const failures = []

function step(label, cmd, args) {
  console.log(`\n== ${label}`)
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env })
  if (r.status !== 0) failures.push(`${label} (exit ${r.status ?? r.signal})`)
}

step('typecheck', bin('tsc'), ['-p', 'tsconfig.json'])
step('lint', bin('biome'), ['ci', '.'])
// The API reference (docs/api): fails on a broken link or an undocumented export (typedoc.json).
step('api docs', bin('typedoc'), [])
/** Runs vitest with `args` and a JSON report `<name>.json` in .test-results; returns the report's path. */
function vitestStep(label, name, args = []) {
  const report = join(results, `${name}.json`)
  step(label, bin('vitest'), [
    'run',
    ...args,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
  ])
  return report
}

const reports = [vitestStep('vitest', 'vitest')]
// The browser suite runs alone: Chromium, Vite and the emulator need the machine's cores to themselves.
reports.push(
  vitestStep('browser end-to-end', 'e2e', ['--config', 'packages/demo-app/test/e2e/vitest.config.ts']),
  vitestStep('browser tabs', 'tabs-browser', ['--config', 'packages/tabs/test/browser/vitest.config.ts']),
)
// The published packages packed, installed with npm into a fresh project outside the workspace and
// used there (plain Node, tsc, esbuild + Chromium): alone too, it packs, installs and runs a browser.
reports.push(
  vitestStep('consumer (packed packages in a fresh npm project)', 'consumer', [
    '--config',
    'tests/consumer/vitest.config.ts',
  ]),
)

let passed = 0
let failed = 0
for (const report of reports) {
  if (!existsSync(report)) {
    failures.push(`no report at ${report}`)
    continue
  }
  const counts = countVitestReport(JSON.parse(readFileSync(report, 'utf8')))
  passed += counts.passed
  failed += counts.failed
}

if (failures.length > 0) console.log(`\nFailed steps: ${failures.join(', ')}`)
console.log(`tests: ${passed} passed, ${failed} failed`)
process.exit(failures.length > 0 || failed > 0 ? 1 : 0)
