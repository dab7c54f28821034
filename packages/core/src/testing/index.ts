/**
 * @packageDocumentation
 * Conformance suites every store adapter runs (vitest).
 */
export {}
