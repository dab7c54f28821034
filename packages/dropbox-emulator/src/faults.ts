/**
 * Fault injection: rules that make matching requests fail the way Dropbox fails, driven by a
 * seeded generator so a run with the same seed and the same requests fails the same way.
 */

/** What a rule does to a request it hits. */
export type FaultKind =
  /** 429, `Retry-After`, JSON reason `too_many_requests`. */
  | 'rate-limit'
  /** 429, `Retry-After`, JSON reason `too_many_write_operations` (namespace lock contention). */
  | 'write-lock'
  /** 409 route error `path/too_many_write_operations/..` (the form uploads and deletes use). */
  | 'write-lock-409'
  /** 500 (or `status: 503`), plain text body. */
  | 'server-error'
  /** Waits `latencyMs` and then handles the request normally. */
  | 'latency'
  /** Destroys the connection without a response. */
  | 'drop'
  /** Like `drop`, for every matching request (probability and nextN are ignored). */
  | 'offline'
  /** 409 route error `path/insufficient_space/..`. */
  | 'insufficient-space'
  /** 401 `expired_access_token`. */
  | 'expired-token'

/** Every {@link FaultKind}. */
export const FAULT_KINDS: readonly FaultKind[] = [
  'rate-limit',
  'write-lock',
  'write-lock-409',
  'server-error',
  'latency',
  'drop',
  'offline',
  'insufficient-space',
  'expired-token',
]

/** A fault rule. Without `probability` or `nextN` it hits every matching request. */
export interface FaultRule {
  /** Name to remove it by; generated when absent. */
  id?: string
  /** Route it applies to: `'files/upload'`, `'oauth2/token'`, a RegExp over such names, or `'*'` (default). */
  route?: string | RegExp
  /** Applies only to requests whose `X-Emulator-Client` header equals this (one simulated device). */
  client?: string
  /** Chance (0..1) that a matching request is hit, drawn from the seeded generator. */
  probability?: number
  /** Hits the next N matching requests, then stops. */
  nextN?: number
  /** What a hit request gets (see {@link FaultKind}). */
  fault: FaultKind
  /** `Retry-After` seconds of 429 faults (default 1). */
  retryAfterSeconds?: number
  /** Delay of `latency` faults in milliseconds (default 1000). */
  latencyMs?: number
  /** Status of `server-error` faults: 500 (default) or 503. */
  status?: 500 | 503
}

/** A rule as listed: its id, hits so far and, for `nextN` rules, how many hits remain. */
export interface ActiveFaultRule extends FaultRule {
  /** The rule's id (given or generated). */
  id: string
  /** Requests it has hit so far. */
  hits: number
  /** For `nextN` rules: hits left before it stops. */
  remaining?: number
}

/** The faults that hit one request. */
export interface FaultDecision {
  /** Total latency to add before handling. */
  latencyMs: number
  /** The failing rule, if any. */
  failure?: ActiveFaultRule
}

/** Manages fault rules; `emulator.faults`. */
export class FaultController {
  private rules: ActiveFaultRule[] = []
  private random: () => number
  private counter = 0

  constructor(seed = 1) {
    this.random = mulberry32(seed)
  }

  /** Adds a rule (checked; throws TypeError with the reason when invalid) and returns its id. */
  add(rule: FaultRule): string {
    validate(rule)
    const id = rule.id ?? `fault-${++this.counter}`
    this.rules = this.rules.filter((r) => r.id !== id)
    const active: ActiveFaultRule = { ...rule, id, hits: 0 }
    if (rule.nextN !== undefined) active.remaining = rule.nextN
    this.rules.push(active)
    return id
  }

  /** Removes a rule; returns whether it existed. */
  remove(id: string): boolean {
    const before = this.rules.length
    this.rules = this.rules.filter((r) => r.id !== id)
    return this.rules.length !== before
  }

  /** Removes every rule. */
  clear(): void {
    this.rules = []
  }

  /** Copies of the current rules, in the order they are tried. */
  list(): ActiveFaultRule[] {
    return this.rules.map((r) => ({ ...r }))
  }

  /** Restarts the generator with a seed (same seed, same requests: same faults). */
  reseed(seed: number): void {
    this.random = mulberry32(seed)
  }

  /**
   * Decides what happens to a request. Latency rules add up; the first failing rule that hits
   * wins. Called by the server for each request.
   *
   * @internal
   */
  decide(route: string, client: string | undefined): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 }
    for (const rule of this.rules) {
      if (decision.failure && rule.fault !== 'latency') continue
      if (!routeMatches(rule.route, route)) continue
      if (rule.client !== undefined && rule.client !== client) continue
      if (rule.fault !== 'offline') {
        if (rule.remaining !== undefined && rule.remaining <= 0) continue
        if (rule.probability !== undefined && !(this.random() < rule.probability)) continue
        if (rule.remaining !== undefined) rule.remaining--
      }
      rule.hits++
      if (rule.fault === 'latency') decision.latencyMs += rule.latencyMs ?? 1000
      else decision.failure = rule
    }
    return decision
  }
}

function routeMatches(pattern: string | RegExp | undefined, route: string): boolean {
  if (pattern === undefined || pattern === '*') return true
  if (typeof pattern === 'string') return pattern.replace(/^\/(2\/)?/, '') === route
  pattern.lastIndex = 0
  return pattern.test(route)
}

function validate(rule: FaultRule): void {
  const fail = (why: string) => {
    throw new TypeError(`invalid fault rule ${JSON.stringify(rule)}: ${why}`)
  }
  if (!rule || typeof rule !== 'object') fail('expected an object')
  if (!FAULT_KINDS.includes(rule.fault)) fail(`fault must be one of ${FAULT_KINDS.join(', ')}`)
  if (rule.route !== undefined && typeof rule.route !== 'string' && !(rule.route instanceof RegExp)) {
    fail('route must be a string or a RegExp')
  }
  if (rule.client !== undefined && typeof rule.client !== 'string') fail('client must be a string')
  const p = rule.probability
  if (p !== undefined && !(typeof p === 'number' && p >= 0 && p <= 1)) fail('probability must be in [0, 1]')
  const n = rule.nextN
  if (n !== undefined && !(Number.isInteger(n) && n > 0)) fail('nextN must be a positive integer')
  if (p !== undefined && n !== undefined) fail('give probability or nextN, not both')
  const r = rule.retryAfterSeconds
  if (r !== undefined && !(Number.isInteger(r) && r >= 0)) fail('retryAfterSeconds must be an integer >= 0')
  const l = rule.latencyMs
  if (l !== undefined && !(typeof l === 'number' && l >= 0)) fail('latencyMs must be a number >= 0')
  if (rule.status !== undefined && rule.status !== 500 && rule.status !== 503)
    fail('status must be 500 or 503')
}

/** Small seeded generator (mulberry32): uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
