/**
 * Large writes in parts, for stores that ask for them (`LocalStore.maxWriteBytes`).
 * A batch that must be atomic stays one write; what may be written later, a
 * group at a time, is packed into parts under the store's size.
 */
import type { LocalStore, LocalWrite } from '../local-store.ts'

/**
 * Bytes a store's records take beside the key and value (IndexedDB in
 * Chromium keeps a second record per key, and its keys carry prefixes): in a
 * lab, 10,000 deletions in one transaction went past Chromium's 1 MiB, 1,000 did not.
 */
const WRITE_OVERHEAD = 200

/** About what writes cost a store: their keys (UTF-16), values and the store's own records. */
export function writesBytes(writes: readonly LocalWrite[]): number {
  let bytes = 0
  for (const [key, value] of writes) bytes += WRITE_OVERHEAD + 2 * key.length + (value?.byteLength ?? 0)
  return bytes
}

/**
 * Packs whole groups, in order, into parts of at most `maxBytes` each; a
 * group larger than that is a part of its own.
 */
export function packGroups(groups: readonly LocalWrite[][], maxBytes: number): LocalWrite[][] {
  const parts: LocalWrite[][] = []
  let part: LocalWrite[] = []
  let size = 0
  for (const group of groups) {
    const bytes = writesBytes(group)
    if (part.length > 0 && size + bytes > maxBytes) {
      parts.push(part)
      part = []
      size = 0
    }
    part.push(...group)
    size += bytes
  }
  if (part.length > 0) parts.push(part)
  return parts
}

/**
 * Writes `first` (with whatever `writeFirst` adds to it) in one atomic write,
 * then `later`: in the same write when the store sets no size or everything
 * fits under it, else in parts under the size, whole groups each, in order.
 * Use it only where a crash after `first` loses nothing: each group must be
 * whole on its own, and a group not written must be harmless (done again, or
 * redundant).
 */
export async function writeInParts(
  store: LocalStore,
  first: LocalWrite[],
  later: readonly LocalWrite[][],
  writeFirst: (writes: LocalWrite[]) => Promise<void>,
): Promise<void> {
  const max = store.maxWriteBytes
  if (
    max === undefined ||
    later.reduce((sum, group) => sum + writesBytes(group), writesBytes(first)) <= max
  ) {
    await writeFirst([...first, ...later.flat()])
    return
  }
  await writeFirst(first)
  for (const part of packGroups(later, max)) await store.write(part)
}
