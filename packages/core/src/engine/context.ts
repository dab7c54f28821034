/** What the sync steps (push, pull, snapshots, maintenance) share. */
import type { BlobStore } from '../blob-store.ts'
import type { PoolKey } from '../crypto/passphrase.ts'
import type { BlobCipher } from '../format/cipher.ts'
import { RemoteView } from '../remote/remote-view.ts'
import type { EngineCore } from './core.ts'
import type { ProgressStep, StatusNote } from './status.ts'
import type { StatusReporter } from './status-reporter.ts'

/** The engine's remote half, handed to each sync step. */
export interface SyncContext {
  core: EngineCore
  remote: BlobStore
  view: RemoteView
  /** Seals blobs when the pool is encrypted. */
  cipher?: BlobCipher
  /** The pool key the cipher was made from. */
  key?: PoolKey
  /** Reports progress of long work (no step: it ended). */
  progress(step?: ProgressStep, done?: number, total?: number): void
  /** Shows the user something the round had to leave aside. */
  note(note: StatusNote): void
  /** Reports a damaged remote file that was skipped. */
  quarantined(path: string, error: unknown): void
}

/** The context of one engine's steps, reporting through `status`. */
export function createContext(core: EngineCore, remote: BlobStore, status: StatusReporter): SyncContext {
  return {
    core,
    remote,
    view: new RemoteView(remote, core.layout),
    progress: (step, done, total) => status.progress(step, done, total),
    note: (note) => status.note(note),
    quarantined: (path, error) => {
      core.options.onError(error, `skipped a damaged sync file ${path}`)
      status.note({ kind: 'damaged-file', detail: error instanceof Error ? error.message : String(error) })
    },
  }
}

/** Runs `task` over `items` with at most `limit` running at once; results keep the input order. */
export async function mapConcurrent<T, R>(
  items: T[],
  limit: number,
  task: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await task(items[i]!, i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}
