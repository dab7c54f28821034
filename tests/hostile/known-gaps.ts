/**
 * Hostile inputs the engine does not handle yet, recognised from the input
 * alone (never from the engine's reaction), so the committed fuzz suite can
 * relax exactly the promise each one breaks and count how often it met one.
 * `pending-fuzz-gaps.test.ts.txt` asserts the full promises for each; once
 * the engine is fixed, delete the gap here and rename that file.
 */
import { decodeBlob } from '@y-dropbox/core'
import * as Y from 'yjs'
import type { Applied } from './mutations.ts'

/** The gaps; see the report for the fix each one needs. */
export type Gap =
  /**
   * A checksum-valid batch with a Yjs update that cannot be read, or a
   * document id `doc()` refuses: stored as it came, the document then
   * cannot be opened (`doc()` throws a plain Error).
   */
  | 'malformed-update'
  /**
   * A batch whose version byte is above 1 (a newer app, or a flipped bit:
   * the version is read before the checksum): the pull stops for every
   * device's changes, not only that device's.
   */
  | 'future-batch'
  /**
   * An older pool.json put back, met by a device that never saw the pool: it
   * joins the old epoch (a limit, not a bug: it has nothing to compare with;
   * devices that saw a newer pool.json refuse it).
   */
  | 'stale-pool'

/** The gaps a mutation runs into, for a victim that is behind or new. */
export async function gapsOf(
  applied: Applied,
  history: Map<string, Uint8Array[]>,
  victim: 'behind' | 'new',
): Promise<Set<Gap>> {
  const gaps = new Set<Gap>()
  for (const [path, data] of applied.writes) {
    if (path.endsWith('.ydu') && data) {
      if (data.length > 4 && data[0] === 0x59 && data[4]! > 1) gaps.add('future-batch')
      if (await malformed(data)) gaps.add('malformed-update')
    }
    const old = history.get(path) ?? []
    if (victim === 'new' && path.endsWith('/pool.json') && data && old.some((o) => same(o, data))) {
      gaps.add('stale-pool')
    }
  }
  return gaps
}

/** A blob that passes its checksum but holds an update Yjs cannot read, or an unusable document id. */
async function malformed(bytes: Uint8Array): Promise<boolean> {
  let entries: Awaited<ReturnType<typeof decodeBlob>>['entries']
  try {
    entries = (await decodeBlob(bytes)).entries
  } catch {
    return false
  }
  for (const entry of entries) {
    if (entry.docId.length === 0 || entry.docId.length > 256) return true
    try {
      // What the engine does with it: merge it into a stored document, apply it to a live one.
      Y.applyUpdate(new Y.Doc(), entry.update)
      Y.applyUpdate(new Y.Doc(), Y.mergeUpdates([SOME_UPDATE, entry.update]))
    } catch {
      return true
    }
  }
  return false
}

const SOME_UPDATE = (() => {
  const doc = new Y.Doc()
  doc.getMap('entry').set('k', 1)
  return Y.encodeStateAsUpdate(doc)
})()

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}
