/**
 * `/__emulator/*`: control endpoints for browser tests, served only with `admin: true`.
 *
 * - `GET /__emulator/faults` lists rules; `POST` adds one (JSON; a RegExp route is written
 *   `{"regex": "^files/", "flags": ""}`); `DELETE` clears all, or one with `?id=`.
 * - `POST /__emulator/reset` wipes every file.
 * - `GET /__emulator/files` lists every file (path, size, rev, content hash).
 * - `GET /__emulator/stats` returns request counters; `DELETE` zeroes them.
 * - `POST /__emulator/tokens` issues tokens (`{clientId?, accountId?}`) without the OAuth dance;
 *   `POST /__emulator/tokens/expire` expires every access token.
 */
import { ApiError } from '../api-error.ts'
import type { ActiveFaultRule, FaultRule } from '../faults.ts'
import type { Emulator } from '../options.ts'
import type { Reply } from '../state.ts'

/** Handles one admin request. */
export async function handleAdmin(
  emulator: Emulator,
  method: string,
  url: URL,
  body: Buffer,
): Promise<Reply> {
  const path = url.pathname.replace(/^\/__emulator\/?/, '')
  const key = `${method} ${path}`
  switch (key) {
    case 'GET faults':
      return { json: emulator.faults.list().map(serializeRule) }
    case 'POST faults': {
      const rule = parseRule(readJson(body))
      try {
        return { json: { id: emulator.faults.add(rule) } }
      } catch (error) {
        throw new ApiError(400, error instanceof Error ? error.message : String(error))
      }
    }
    case 'DELETE faults': {
      const id = url.searchParams.get('id')
      if (id === null) emulator.faults.clear()
      else if (!emulator.faults.remove(id)) throw new ApiError(404, `no fault rule with id "${id}"`)
      return { json: null }
    }
    case 'POST reset':
      await emulator.reset()
      return { json: null }
    case 'GET files':
      return { json: emulator.files() }
    case 'GET stats':
      return { json: emulator.stats() }
    case 'DELETE stats':
      emulator.resetStats()
      return { json: null }
    case 'POST tokens': {
      const options = body.length > 0 ? (readJson(body) as { clientId?: string; accountId?: string }) : {}
      return { json: emulator.issueTokens(options ?? {}) }
    }
    case 'POST tokens/expire':
      emulator.expireAllAccessTokens()
      return { json: null }
    default:
      throw new ApiError(404, `Unknown emulator endpoint: ${method} /__emulator/${path}`)
  }
}

function readJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    throw new ApiError(400, 'the request body is not valid JSON')
  }
}

function parseRule(raw: unknown): FaultRule {
  if (!raw || typeof raw !== 'object') throw new ApiError(400, 'a fault rule must be a JSON object')
  const rule = { ...(raw as Record<string, unknown>) }
  const route = rule.route as { regex?: unknown; flags?: unknown } | undefined
  if (route && typeof route === 'object') {
    if (typeof route.regex !== 'string') throw new ApiError(400, 'route.regex must be a string')
    try {
      rule.route = new RegExp(route.regex, typeof route.flags === 'string' ? route.flags : '')
    } catch (error) {
      throw new ApiError(400, `route.regex is not a valid RegExp: ${String(error)}`)
    }
  }
  return rule as unknown as FaultRule
}

function serializeRule(rule: ActiveFaultRule): unknown {
  const route =
    rule.route instanceof RegExp ? { regex: rule.route.source, flags: rule.route.flags } : rule.route
  return { ...rule, route }
}
