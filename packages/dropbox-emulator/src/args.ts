/**
 * Reading route arguments with Dropbox's 400 messages for bad input.
 */
import { type ApiError, badRequest, routeError, type Tagged, tagChain } from './api-error.ts'
import { type ParsedPath, parsePath } from './paths.ts'

/** Dropbox's accepted path pattern (the 400 message quotes it). */
const PATH_PATTERN = '(/(.|[\\r\\n])*)?|id:.*|(ns:[0-9]+(/.*)?)'

/** A route's argument object with typed field readers. */
export class Args {
  private constructor(
    readonly route: string,
    /** `request body` or `HTTP header "Dropbox-API-Arg"`, for messages. */
    private readonly where: string,
    readonly value: Record<string, unknown>,
  ) {}

  /** Checks that `raw` is a JSON object. */
  static of(route: string, where: string, raw: unknown): Args {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw badRequest(route, `${where}: expected object, got ${describe(raw)}`)
    }
    return new Args(route, where, raw as Record<string, unknown>)
  }

  /** A 400 about one field. */
  fail(field: string, message: string): ApiError {
    return badRequest(this.route, `${this.where}: ${field}: ${message}`)
  }

  /** A required string (or optional when `fallback` is given). */
  string(field: string, fallback?: string): string {
    const v = this.value[field]
    if (v === undefined || v === null) {
      if (fallback !== undefined) return fallback
      throw badRequest(this.route, `${this.where}: missing required field '${field}'`)
    }
    if (typeof v !== 'string') throw this.fail(field, `expected string, got ${describe(v)}`)
    return v
  }

  /** An optional string. */
  optionalString(field: string): string | undefined {
    const v = this.value[field]
    return v === undefined || v === null ? undefined : this.string(field)
  }

  /** A boolean with a default. */
  boolean(field: string, fallback: boolean): boolean {
    const v = this.value[field]
    if (v === undefined || v === null) return fallback
    if (typeof v !== 'boolean') throw this.fail(field, `expected boolean, got ${describe(v)}`)
    return v
  }

  /** An integer within [min, max], or `fallback` when absent. */
  integer(field: string, min: number, max: number, fallback: number): number {
    const v = this.value[field]
    if (v === undefined || v === null) return fallback
    if (typeof v !== 'number' || !Number.isInteger(v))
      throw this.fail(field, `expected integer, got ${describe(v)}`)
    if (v < min || v > max) throw this.fail(field, `${v} is not within range [${min}, ${max}]`)
    return v
  }

  /** A nested object argument. */
  object(field: string): Args {
    return Args.of(this.route, `${this.where}: ${field}`, this.value[field])
  }

  /** A list argument. */
  list(field: string, max: number): unknown[] {
    const v = this.value[field]
    if (!Array.isArray(v)) throw this.fail(field, `expected list, got ${describe(v)}`)
    if (v.length > max) throw this.fail(field, `list has ${v.length} items, more than the maximum ${max}`)
    return v
  }

  /**
   * A path field. 400 when it does not match Dropbox's pattern (or is the root where the root
   * is refused); the route error `malformed` (409, e.g. `['path', 'malformed_path']`) when it
   * matches but is not a usable path. Returns `{ id }` for `id:` paths.
   */
  path(
    field: string,
    malformed: readonly string[] | ((t: Tagged) => ApiError),
    root: 'allow' | 'refuse',
  ): PathArg {
    const raw = this.string(field)
    if (raw.startsWith('id:')) return { id: raw }
    if (raw !== '' && !raw.startsWith('/')) {
      throw this.fail(field, `'${raw}' did not match pattern '${PATH_PATTERN}'`)
    }
    if (raw === '/' && root === 'allow') {
      throw this.fail(field, 'Specify the root folder as an empty string rather than as "/".')
    }
    if ((raw === '' || raw === '/') && root === 'refuse')
      throw this.fail(field, 'The root folder is unsupported.')
    const parsed = parsePath(raw)
    if (!parsed) {
      if (typeof malformed === 'function') throw malformed(tagChain(['malformed_path']))
      throw routeError(tagChain([...malformed, 'malformed_path']))
    }
    return parsed
  }
}

/** A path argument: a parsed path or a file id. */
export type PathArg = ParsedPath | { id: string }

/** Parses JSON text for a route, with Dropbox's 400 on failure. */
export function parseJson(route: string, where: string, text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw badRequest(route, `${where}: could not decode input as JSON`)
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'list'
  if (typeof v === 'object') return 'dict'
  if (typeof v === 'string') return 'str'
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'float'
  return typeof v
}
