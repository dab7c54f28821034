/**
 * Upload sessions (`files/upload_session/*`): bytes collected across calls, in memory only.
 */
import { randomBytes } from 'node:crypto'

/** One session. */
export interface UploadSession {
  id: string
  chunks: Uint8Array[]
  /** Bytes received so far (the next expected offset). */
  offset: number
  closed: boolean
  createdAt: number
}

/** Sessions expire after this long, like Dropbox's (7 days). */
const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000

/** Open upload sessions by id. */
export class UploadSessions {
  private readonly sessions = new Map<string, UploadSession>()

  constructor(private readonly now: () => number = Date.now) {}

  /** Starts a session holding `data`. */
  start(data: Uint8Array, closed: boolean): UploadSession {
    this.prune()
    const id = `pid_upload_session:${randomBytes(24).toString('base64url')}`
    const session: UploadSession = { id, chunks: [], offset: 0, closed, createdAt: this.now() }
    this.append(session, data)
    this.sessions.set(id, session)
    return session
  }

  /** The session, or undefined when unknown, finished or expired. */
  get(id: string): UploadSession | undefined {
    const s = this.sessions.get(id)
    return s && s.createdAt + SESSION_TTL_MS > this.now() ? s : undefined
  }

  /** Adds bytes at the end of a session. */
  append(session: UploadSession, data: Uint8Array): void {
    if (data.length > 0) session.chunks.push(data)
    session.offset += data.length
  }

  /** Removes a session and returns its bytes. */
  take(session: UploadSession): Uint8Array {
    this.sessions.delete(session.id)
    return Buffer.concat(session.chunks)
  }

  /** Forgets every session. */
  clear(): void {
    this.sessions.clear()
  }

  private prune(): void {
    const now = this.now()
    for (const [id, s] of this.sessions) if (s.createdAt + SESSION_TTL_MS <= now) this.sessions.delete(id)
  }
}
