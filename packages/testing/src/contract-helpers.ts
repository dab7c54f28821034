/** Small helpers shared by the conformance suites. */

import type { BlobMeta, BlobStore } from '@y-dropbox/core'

/** A test of the BlobStore suite: gets the store, its own folder and the setup context. */
export type TestBody = (
  store: BlobStore,
  dir: string,
  ctx: { skip(note: string): void; reopen?(): Promise<BlobStore> },
) => Promise<void>

/** UTF-8 bytes of a string. */
export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text)
}

/** A folder name no other run uses, so suites can share a real account's folder. */
export function uniqueName(label: string): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`
}

/** Entries sorted by path (listings come in any order). */
export function byPath<T extends { path: string }>(entries: T[]): T[] {
  return [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

/** The identifying fields of a file's metadata, for comparisons. */
export function fileMeta(meta: BlobMeta): Omit<BlobMeta, 'deleted'> {
  return { path: meta.path, rev: meta.rev, size: meta.size, contentHash: meta.contentHash }
}

/** Applies cursor-listing entries, in order, to a path → metadata map. */
export function applyEntries(state: Map<string, BlobMeta>, entries: BlobMeta[]): Map<string, BlobMeta> {
  for (const entry of entries) {
    if (entry.deleted) state.delete(entry.path)
    else state.set(entry.path, entry)
  }
  return state
}

/** Runs `task` over `items` with at most `limit` in flight. */
export async function eachLimited<T>(
  items: T[],
  limit: number,
  task: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) await task(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

/** Deletes every file under `folder`; used to leave a shared account clean. */
export async function removeFolder(store: BlobStore, folder: string): Promise<void> {
  const { entries } = await store.list(folder)
  if (entries.length > 0) await store.delete(entries.map((entry) => entry.path))
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/**
 * True when `actual` holds exactly the bytes of `expected`. Cheaper than a
 * deep `toEqual` for large arrays, which compares element by element.
 */
export function sameBytes(actual: Uint8Array | undefined, expected: Uint8Array): boolean {
  if (actual === undefined || actual.length !== expected.length) return false
  for (let i = 0; i < actual.length; i++) if (actual[i] !== expected[i]) return false
  return true
}
