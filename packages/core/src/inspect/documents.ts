/**
 * `readPoolDocuments`: every entry of a pool as it is now, built from the
 * pool alone, for exports and for tools that must not depend on a device.
 */
import type { BlobStore } from '../blob-store.ts'
import { type MergedView, mergedView, type PoolDocument } from './merged-view.ts'
import { type OpenPoolOptions, openPool } from './open-pool.ts'
import type { PoolProblem } from './problems.ts'
import { PoolReader, type ReadOptions } from './reader.ts'

/** What `readPoolDocuments` returns. */
export interface PoolDocuments {
  /** The pool's id. */
  poolId: string
  /** The epoch the documents come from (the current one). */
  epoch: string
  /** Whether the pool is end-to-end encrypted. */
  encrypted: boolean
  /** Every entry, deleted ones included (see `deleted`), sorted by id. */
  docs: PoolDocument[]
  /** The merged view's sources and what it had to leave out. */
  view: Omit<MergedView, 'docs'>
  /** Files that could not be read on the way; empty when the view is complete. */
  problems: PoolProblem[]
}

/** Reads every entry of the pool at `options.root` (merged Yjs updates). */
export async function readPoolDocuments(
  store: BlobStore,
  options: OpenPoolOptions & ReadOptions,
): Promise<PoolDocuments> {
  const opened = await openPool(store, options)
  const reader = new PoolReader(opened, options)
  const { docs, ...view } = await mergedView(reader)
  return {
    poolId: opened.pool.poolId,
    epoch: opened.pool.epoch,
    encrypted: opened.cipher !== undefined,
    docs,
    view,
    problems: [...reader.problems.values()].filter((p) => p.severity === 'error'),
  }
}
