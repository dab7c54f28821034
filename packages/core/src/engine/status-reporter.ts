/**
 * Owns the engine's status: builds each `SyncStatus` from a reason and the
 * facts around it, words it through the words table, and emits it when it
 * changed. The rest of the engine says what happened (working on X, failed
 * with Y, at rest), never how to put it.
 */
import type { DeviceStateView } from './device-state.ts'
import type { SafeObservable, SyncEngineEvents } from './events.ts'
import {
  describeFailure,
  type ProgressStep,
  type StatusNote,
  type StatusReason,
  SyncState,
  type SyncStatus,
} from './status.ts'
import { compose, type SyncWords } from './words.ts'

/** What the reporter reads of the engine. */
export interface ReporterHost {
  events: SafeObservable<SyncEngineEvents>
  words: SyncWords
  /** The storage as users know it. */
  service: string
  pending(): number
  state(): DeviceStateView
}

/** The status of one engine. */
export class StatusReporter {
  #status: SyncStatus
  /** Notes of the round running or just ended. */
  #notes: StatusNote[] = []

  constructor(private readonly host: ReporterHost) {
    this.#status = this.#build({ state: SyncState.inactive, reason: 'off' })
  }

  /** The current status. */
  get current(): SyncStatus {
    return this.#status
  }

  /** Something is running: `reason` says what. */
  working(reason: StatusReason): void {
    this.#set({ state: SyncState.syncing, reason })
  }

  /** Progress of the long work running, or undefined when it ended. */
  progress(step?: ProgressStep, done = 0, total = 0): void {
    const progress = step && { phase: this.host.words.steps[step], step, done, total }
    this.#set({ ...this.#status, progress })
  }

  /** A round starts: the notes of the last one are forgotten. */
  startRound(): void {
    this.#notes = []
  }

  /** Something the round had to leave aside. */
  note(note: StatusNote): void {
    if (this.#notes.some((n) => JSON.stringify(n) === JSON.stringify(note))) return
    this.#notes.push(note)
    this.#set({ ...this.#status, notes: this.#notes })
  }

  /**
   * An operation failed with `error`: an honest state, reason and action.
   * `off`: sync is off here after it (a refused activation), whatever the error.
   */
  failed(error: unknown, off = false): void {
    const { state, reason, action, detail, retryInMs } = describeFailure(error)
    this.#set({
      state: off ? SyncState.inactive : state,
      reason,
      detail,
      ...(action ? { action } : {}),
      ...(retryInMs !== undefined ? { retryInMs } : {}),
    })
  }

  /** Nothing is running: the status follows from the device state. */
  rest(): void {
    const state = this.host.state()
    if (!state.active) {
      const reason = state.stoppedReason ?? 'off'
      this.#set({ state: SyncState.inactive, reason: isReason(reason) ? reason : 'pool-deleted' })
      return
    }
    if (state.needsMaster) {
      const { by, at } = state.needsMaster
      this.#set({
        state: SyncState.needsMaster,
        reason: 'needs-master',
        action: 'download-master',
        master: { by, at },
      })
      return
    }
    // What a round had to leave aside stays in view until a round goes without it.
    const notes = this.#notes.filter((n) => n.kind !== 'damaged-file')
    const damaged = Object.keys(state.quarantine).length
    if (damaged > 0) notes.push({ kind: 'damaged-files', count: damaged })
    const lost = Object.values(state.skipped ?? {}).reduce((n, seqs) => n + seqs.length, 0)
    if (lost > 0) notes.push({ kind: 'lost-files', count: lost })
    if (state.keptEdits)
      notes.push({ kind: 'edits-kept', backup: state.keptEdits.backup, ids: [...state.keptEdits.ids] })
    this.#set({
      state: SyncState.idle,
      reason: this.host.pending() > 0 ? 'waiting-to-upload' : 'up-to-date',
      notes,
    })
  }

  /** The state changed without a round (an edit was stored): refresh the counts. */
  refresh(): void {
    if (this.#status.state === SyncState.idle) this.rest()
    else this.#set({ ...this.#status })
  }

  /** Sets `fields` as the status (state and reason always), with the counts and words filled in. */
  #set(fields: Omit<SyncStatus, 'message' | 'pending'>): void {
    const next = this.#build(fields)
    if (JSON.stringify(next) === JSON.stringify(this.#status)) return
    this.#status = next
    this.host.events.emit('status', [next])
  }

  #build(fields: Omit<SyncStatus, 'message' | 'pending'>): SyncStatus {
    const facts = { ...fields, pending: this.host.pending() } as Omit<SyncStatus, 'message'>
    const last = this.host.state().lastSyncAt
    if (last !== undefined) facts.lastSyncAt = last
    for (const key of ['progress', 'notes', 'detail', 'action', 'master', 'retryInMs'] as const) {
      const value = facts[key]
      if (value === undefined || (Array.isArray(value) && value.length === 0)) delete facts[key]
    }
    const message = compose(this.host.words, { ...facts, service: this.host.service })
    return { ...facts, message }
  }
}

const REASONS = new Set<string>(['off', 'deleted-here', 'pool-deleted', 'pool-replaced'])

function isReason(value: string): value is StatusReason {
  return REASONS.has(value)
}
