/**
 * OAuth state: authorization codes, access tokens (expiring) and refresh tokens. Tokens are
 * random URL-safe strings; only their SHA-256 is kept, in memory and on disk.
 */
import { createHash, randomBytes } from 'node:crypto'

/** Account every token belongs to unless another is asked for. */
export const DEFAULT_ACCOUNT_ID = 'dbid:AADemulatorAccount-0000000000000000'

/** Scopes granted when the client asks for none. */
export const DEFAULT_SCOPE = 'account_info.read files.content.read files.content.write files.metadata.read'

/** How long an authorization code can be redeemed. */
const CODE_TTL_MS = 10 * 60 * 1000
/** Expired access tokens are remembered this long (to answer `expired_access_token`). */
const EXPIRED_MEMORY_MS = 24 * 60 * 60 * 1000

/** Who a valid access token speaks for. */
export interface Grant {
  accountId: string
  clientId: string | undefined
  scope: string
}

interface AccessRecord extends Grant {
  expiresAt: number
  /** Hash of the refresh token this access token came from. */
  refresh: string | undefined
}

interface RefreshRecord extends Grant {}

/** A pending authorization (between the approve page and the token call). */
export interface AuthorizationCode extends Grant {
  redirectUri: string | undefined
  codeChallenge: string | undefined
  codeChallengeMethod: string | undefined
  offline: boolean
  expiresAt: number
}

/** Tokens handed to a client. */
export interface IssuedTokens {
  /** The bearer token for API calls. */
  accessToken: string
  /** Absent for online (no refresh) grants. */
  refreshToken?: string
  /** Seconds until the access token expires. */
  expiresIn: number
}

/** Result of checking a bearer token. */
export type TokenCheck = { ok: true; grant: Grant } | { ok: false; reason: 'expired' | 'invalid' }

/** All OAuth state of one emulator. */
export class TokenRegistry {
  private readonly access = new Map<string, AccessRecord>()
  private readonly refresh = new Map<string, RefreshRecord>()
  private readonly codes = new Map<string, AuthorizationCode>()

  constructor(
    /** Lifetime of new access tokens in milliseconds. */
    public ttlMs: number,
    private readonly onChange: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Issues an access token, and a refresh token when `offline`. */
  issue(grant: Grant, offline: boolean): IssuedTokens {
    let refreshHash: string | undefined
    let refreshToken: string | undefined
    if (offline) {
      refreshToken = randomBytes(48).toString('base64url')
      refreshHash = hash(refreshToken)
      this.refresh.set(refreshHash, { ...grant })
    }
    const issued = this.newAccess(grant, refreshHash)
    if (refreshToken !== undefined) issued.refreshToken = refreshToken
    return issued
  }

  /** Checks a bearer token. */
  check(token: string): TokenCheck {
    const record = this.access.get(hash(token))
    if (!record) return { ok: false, reason: 'invalid' }
    if (record.expiresAt <= this.now()) return { ok: false, reason: 'expired' }
    return { ok: true, grant: record }
  }

  /**
   * A new access token for a refresh token, or undefined when it is unknown, revoked, or bound
   * to another client id.
   */
  refreshWith(refreshToken: string, clientId: string | undefined): IssuedTokens | undefined {
    const refreshHash = hash(refreshToken)
    const record = this.refresh.get(refreshHash)
    if (!record) return undefined
    if (record.clientId !== undefined && record.clientId !== clientId) return undefined
    return this.newAccess(record, refreshHash)
  }

  /** Revokes an access token, its refresh token and every access token of that refresh token. */
  revoke(accessToken: string): void {
    const h = hash(accessToken)
    const record = this.access.get(h)
    this.access.delete(h)
    if (record?.refresh !== undefined) {
      this.refresh.delete(record.refresh)
      for (const [key, r] of this.access) if (r.refresh === record.refresh) this.access.delete(key)
    }
    this.onChange()
  }

  /** Makes every access token issued so far expired (refresh tokens stay valid). */
  expireAll(): void {
    const now = this.now()
    for (const r of this.access.values()) r.expiresAt = Math.min(r.expiresAt, now)
    this.onChange()
  }

  /** Records an approved authorization and returns its one-time code. */
  createCode(code: Omit<AuthorizationCode, 'expiresAt'>): string {
    const value = randomBytes(32).toString('base64url')
    this.codes.set(hash(value), { ...code, expiresAt: this.now() + CODE_TTL_MS })
    return value
  }

  /** Takes an authorization code (it can be used once); undefined when unknown or expired. */
  redeemCode(code: string): AuthorizationCode | undefined {
    const h = hash(code)
    const record = this.codes.get(h)
    this.codes.delete(h)
    return record && record.expiresAt > this.now() ? record : undefined
  }

  /** State to save (hashes only). */
  export(): unknown {
    return { access: [...this.access], refresh: [...this.refresh] }
  }

  /** Restores saved state. */
  import(state: unknown): void {
    const s = state as { access?: [string, AccessRecord][]; refresh?: [string, RefreshRecord][] }
    for (const [k, v] of s.access ?? []) this.access.set(k, v)
    for (const [k, v] of s.refresh ?? []) this.refresh.set(k, v)
  }

  private newAccess(grant: Grant, refresh: string | undefined): IssuedTokens {
    this.prune()
    const accessToken = `sl.${randomBytes(36).toString('base64url')}`
    const { accountId, clientId, scope } = grant
    const ttl = Math.max(0, this.ttlMs)
    this.access.set(hash(accessToken), { accountId, clientId, scope, expiresAt: this.now() + ttl, refresh })
    this.onChange()
    return { accessToken, expiresIn: Math.floor(ttl / 1000) }
  }

  private prune(): void {
    const horizon = this.now() - EXPIRED_MEMORY_MS
    for (const [key, r] of this.access) if (r.expiresAt < horizon) this.access.delete(key)
  }
}

function hash(token: string): string {
  return createHash('sha256').update(token).digest('base64url')
}
