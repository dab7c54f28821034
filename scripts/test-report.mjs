/**
 * Counts a vitest JSON report for the closing line of `npm test`. A test FILE that failed to run
 * (an error at import, a failed `beforeAll`) has no failed test of its own, so it counts as one
 * failed test: a suite that never ran must never look green.
 *
 * @param {{ numPassedTests?: number, numFailedTests?: number,
 *   testResults?: Array<{ status?: string, assertionResults?: Array<{ status?: string }> }> }} report
 * @returns {{ passed: number, failed: number, failedFiles: number }}
 */
export function countVitestReport(report) {
  const passed = report.numPassedTests ?? 0
  let failed = report.numFailedTests ?? 0
  let failedFiles = 0
  for (const file of report.testResults ?? []) {
    if (file.status !== 'failed') continue
    failedFiles++
    if (!(file.assertionResults ?? []).some((test) => test.status === 'failed')) failed++
  }
  return { passed, failed, failedFiles }
}
