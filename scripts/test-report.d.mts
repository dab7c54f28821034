/** Types of test-report.mjs (plain JavaScript, so that `npm test` needs no compiler to start). */

/** The part of a vitest JSON report that is counted. */
export interface VitestReport {
  numPassedTests?: number
  numFailedTests?: number
  testResults?: Array<{ status?: string; assertionResults?: Array<{ status?: string }> }>
}

/** Passed and failed tests; a failed file without a failed test of its own counts as one failed test. */
export function countVitestReport(report: VitestReport): {
  passed: number
  failed: number
  failedFiles: number
}
