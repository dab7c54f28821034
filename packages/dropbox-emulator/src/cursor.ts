/**
 * `list_folder` cursors: an opaque, signed token holding where a listing stands.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

/** What a cursor remembers. */
export interface CursorState {
  /** Namespace generation; a wipe makes older cursors `reset`. */
  generation: string
  /** Lower-case folder key (`""` for the root). */
  folder: string
  recursive: boolean
  /** Entries with a sequence number above this are not yet delivered. */
  since: number
  /** Page size of `list_folder/continue`. */
  limit: number
}

const MAC_BYTES = 16

/** Signs and checks cursors with a secret, so a client cannot forge or edit one. */
export class CursorCodec {
  constructor(private readonly secret: string) {}

  /** An opaque URL-safe cursor string. */
  encode(state: CursorState): string {
    const body = Buffer.from(
      JSON.stringify([state.generation, state.folder, state.recursive, state.since, state.limit]),
    )
    return Buffer.concat([body, this.mac(body)]).toString('base64url')
  }

  /** The cursor's state, or undefined when it is malformed or was not signed by this secret. */
  decode(cursor: unknown): CursorState | undefined {
    if (typeof cursor !== 'string' || cursor.length < 24) return undefined
    const raw = Buffer.from(cursor, 'base64url')
    if (raw.length <= MAC_BYTES) return undefined
    const body = raw.subarray(0, raw.length - MAC_BYTES)
    const mac = raw.subarray(raw.length - MAC_BYTES)
    if (!timingSafeEqual(mac, this.mac(body))) return undefined
    try {
      const [generation, folder, recursive, since, limit] = JSON.parse(body.toString()) as unknown[]
      if (typeof generation !== 'string' || typeof folder !== 'string') return undefined
      if (typeof recursive !== 'boolean' || typeof since !== 'number' || typeof limit !== 'number') {
        return undefined
      }
      return { generation, folder, recursive, since, limit }
    } catch {
      return undefined
    }
  }

  private mac(body: Buffer): Buffer {
    return createHmac('sha256', this.secret).update(body).digest().subarray(0, MAC_BYTES)
  }
}
