/** The engine's typed events; a listener that throws is reported, never breaks sync. */
import { ObservableV2 } from 'lib0/observable'
import type * as Y from 'yjs'
import type { SyncStatus } from './status.ts'

/** What changed in the collection, and where the change came from. */
export interface DocsEvent {
  /** Documents that did not exist here before. */
  added: string[]
  /** Existing documents whose content changed. */
  changed: string[]
  /** Documents that became deleted. */
  deleted: string[]
  /** `local`: edits on this device; `remote`: applied from other devices; `reset`: a master download replaced everything. */
  origin: 'local' | 'remote' | 'reset'
}

/** Event map of {@link SyncEngine}. */
export interface SyncEngineEvents {
  /** The status changed. */
  status: (status: SyncStatus) => void
  /** Documents were added, changed or deleted. After `origin: 'reset'`, re-open every document. */
  docs: (event: DocsEvent) => void
  /**
   * A master download replaced entry `id`, which was open (handed out by
   * `doc()` or adopted by `attach()`): `doc` is its new live Y.Doc. Re-bind
   * the editor to it. The old doc no longer syncs; an edit made to it is kept
   * in the backup and reported in the status. An open entry the master lacks
   * gets no successor (the `docs` reset event no longer lists it).
   */
  replaced: (id: string, doc: Y.Doc) => void
}

/** ObservableV2 whose `emit` isolates listeners from each other and from the emitter. */
// biome-ignore lint/suspicious/noExplicitAny: mirrors ObservableV2's own constraint
export class SafeObservable<E extends { [K in keyof E]: (...args: any[]) => void }> extends ObservableV2<E> {
  constructor(private readonly report: (error: unknown, context: string) => void) {
    super()
  }

  override emit<K extends keyof E & string>(name: K, args: Parameters<E[K]>): void {
    const listeners = this._observers.get(name)
    if (!listeners) return
    for (const listener of [...listeners]) {
      try {
        ;(listener as (...a: Parameters<E[K]>) => void)(...args)
      } catch (error) {
        this.report(error, `a '${name}' listener threw`)
      }
    }
  }
}
