/**
 * Request counters per route, so tests and benchmarks can count remote calls and bytes.
 */

/** Counters of one route (or of all routes). */
export interface RouteStats {
  /** Requests received, faulted ones included. */
  requests: number
  /** Request body bytes received. */
  bytesIn: number
  /** Response body bytes sent. */
  bytesOut: number
  /** Responses by HTTP status (`"200"`, `"409"`...); `"dropped"` for dropped connections. */
  statuses: Record<string, number>
  /** Requests a fault rule hit (latency included). */
  faults: number
  /** Requests received but not yet answered (a waiting long-poll, a slow upload). */
  inFlight: number
}

/** Snapshot returned by `emulator.stats()`. */
export interface EmulatorStats {
  /** Every counted route together. */
  total: RouteStats
  /** By route name: `files/upload`, `oauth2/token`... */
  routes: Record<string, RouteStats>
}

/** Accumulates {@link EmulatorStats}. */
export class StatsRecorder {
  private routes = new Map<string, RouteStats>()

  /** Notes that a request arrived; {@link record} counts it once answered. */
  begin(route: string): void {
    this.route(route).inFlight++
  }

  /** Counts one answered (or dropped) request. */
  record(
    route: string,
    bytesIn: number,
    bytesOut: number,
    status: number | 'dropped',
    faulted: boolean,
  ): void {
    const s = this.route(route)
    s.inFlight = Math.max(0, s.inFlight - 1)
    s.requests++
    s.bytesIn += bytesIn
    s.bytesOut += bytesOut
    s.statuses[status] = (s.statuses[status] ?? 0) + 1
    if (faulted) s.faults++
  }

  /** A deep copy of the counters. */
  snapshot(): EmulatorStats {
    const total = emptyStats()
    const routes: Record<string, RouteStats> = {}
    for (const [route, s] of [...this.routes].sort(([a], [b]) => a.localeCompare(b))) {
      routes[route] = { ...s, statuses: { ...s.statuses } }
      total.requests += s.requests
      total.bytesIn += s.bytesIn
      total.bytesOut += s.bytesOut
      total.faults += s.faults
      total.inFlight += s.inFlight
      for (const [k, v] of Object.entries(s.statuses)) total.statuses[k] = (total.statuses[k] ?? 0) + v
    }
    return { total, routes }
  }

  /** Zeroes every counter (requests in flight stay counted). */
  reset(): void {
    for (const [route, s] of this.routes) this.routes.set(route, { ...emptyStats(), inFlight: s.inFlight })
  }

  private route(route: string): RouteStats {
    let s = this.routes.get(route)
    if (!s) {
      s = emptyStats()
      this.routes.set(route, s)
    }
    return s
  }
}

function emptyStats(): RouteStats {
  return { requests: 0, bytesIn: 0, bytesOut: 0, statuses: {}, faults: 0, inFlight: 0 }
}
