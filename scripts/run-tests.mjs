#!/usr/bin/env node
// Runs every check of `npm test` in order (typecheck, lint, all vitest suites, then the browser suite)
// and ends with one plain line, `tests: N passed, N failed`, counted from the
// runners' JSON reports. Exits non-zero when any step fails.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

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
const vitestReport = join(results, 'vitest.json')
step('vitest', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestReport}`,
])
// The browser suites run alone: Chromium, Vite and the emulator need the machine's cores to themselves.
const browserSuites = [
  ['browser end-to-end', 'packages/demo-app/test/e2e/vitest.config.ts', 'e2e.json'],
  ['browser tabs', 'packages/tabs/test/browser/vitest.config.ts', 'tabs-browser.json'],
]
for (const [label, config, file] of browserSuites) {
  step(label, bin('vitest'), [
    'run',
    '--config',
    config,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${join(results, file)}`,
  ])
}

let passed = 0
let failed = 0
for (const report of [vitestReport, ...browserSuites.map(([, , file]) => join(results, file))]) {
  if (!existsSync(report)) {
    failures.push(`no report at ${report}`)
    continue
  }
  const json = JSON.parse(readFileSync(report, 'utf8'))
  passed += json.numPassedTests ?? 0
  failed += json.numFailedTests ?? 0
}

if (failures.length > 0) console.log(`\nFailed steps: ${failures.join(', ')}`)
console.log(`tests: ${passed} passed, ${failed} failed`)
process.exit(failures.length > 0 || failed > 0 ? 1 : 0)
