/**
 * The closing line of `npm test` (`tests: N passed, N failed`) counts a test file that failed to
 * run. Runs vitest on fixtures that fail at import, in beforeAll and in a test, and counts the JSON
 * report the way scripts/run-tests.mjs does.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, expect, it } from 'vitest'
import { countVitestReport } from '../../scripts/test-report.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))
const dirs: string[] = []
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))))

it('counts a file that failed at import or in beforeAll as a failed test', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'report-count-'))
  dirs.push(dir)
  const report = join(dir, 'report.json')
  const run = promisify(execFile)
  const exit = await run(
    join(root, 'node_modules', '.bin', 'vitest'),
    [
      'run',
      '--config',
      join(root, 'tests', 'runner', 'fixtures', 'vitest.config.ts'),
      '--reporter=json',
      `--outputFile.json=${report}`,
    ],
    { cwd: root },
  ).then(
    () => 0,
    (error: { code?: number }) => error.code,
  )
  expect(exit).toBe(1)
  const json = JSON.parse(await readFile(report, 'utf8'))
  // Vitest itself counts only the test that failed; the two files that never ran add nothing.
  expect([json.numPassedTests, json.numFailedTests]).toEqual([1, 1])
  expect(countVitestReport(json)).toEqual({ passed: 1, failed: 3, failedFiles: 3 })
})

it('counts a clean report as it is', () => {
  const report = {
    numPassedTests: 4,
    numFailedTests: 0,
    testResults: [{ status: 'passed', assertionResults: [{ status: 'passed' }] }],
  }
  expect(countVitestReport(report)).toEqual({ passed: 4, failed: 0, failedFiles: 0 })
})
