/**
 * Messages between the tabs of one device profile. Exactly one tab, the leader, owns the sync
 * engine; every tab (the leader's own included) keeps replicas of the documents it shows and syncs
 * them with the leader using y-protocols sync messages (step 1, step 2, update). Messages going
 * "up" are addressed to the leader, messages going "down" to every tab or to one (`to`).
 */
import type { ListItem } from '../model/diary-index.ts'

/** A typed error carried back from the leader. */
export interface WireError {
  /** Error class name, e.g. `AuthError`. */
  name: string
  /** Human-readable message. */
  message: string
}

/** Tab → leader. */
export type UpMessage =
  /** A tab wants the full state (sent when it starts and when a new leader appears). */
  | { dir: 'up'; t: 'hello'; from: string }
  /** A y-protocols sync message for document `doc`, from a replica of document generation `generation`. */
  | { dir: 'up'; t: 'y'; from: string; generation: number; doc: string; data: Uint8Array }
  /** A remote procedure call; answered by `ret`. */
  | { dir: 'up'; t: 'call'; from: string; id: number; method: string; args: unknown[] }

/** Leader → tabs. */
export type DownMessage<S> =
  /** A tab has become the leader. */
  | { dir: 'down'; t: 'leader'; from: string }
  /** Full state, for one tab or all. */
  | { dir: 'down'; t: 'state'; from: string; to?: string; generation: number; list: ListItem[]; state: S }
  /** Entries that changed (added, edited, deleted). */
  | { dir: 'down'; t: 'docs'; from: string; items: ListItem[] }
  /** The device state changed. */
  | { dir: 'down'; t: 'status'; from: string; state: S }
  /** Every open document was superseded (e.g. master downloaded): drop replicas, open again. */
  | { dir: 'down'; t: 'reset'; from: string; generation: number }
  /** A y-protocols sync message for document `doc`, for one tab or all. */
  | { dir: 'down'; t: 'y'; from: string; to?: string; generation: number; doc: string; data: Uint8Array }
  /** The answer to a `call`. */
  | { dir: 'down'; t: 'ret'; from: string; to: string; id: number; ok: true; value: unknown }
  | { dir: 'down'; t: 'ret'; from: string; to: string; id: number; ok: false; error: WireError }

/** Any message on the tab bus. */
export type TabMessage<S> = UpMessage | DownMessage<S>

/** Turns anything thrown into a `WireError`. */
export function toWireError(error: unknown): WireError {
  if (error instanceof Error) return { name: error.name, message: error.message }
  return { name: 'Error', message: String(error) }
}

/** An error re-thrown in the calling tab, with the leader's error name and message. */
export class RemoteCallError extends Error {
  constructor(wire: WireError) {
    super(wire.message)
    this.name = wire.name
  }
}
