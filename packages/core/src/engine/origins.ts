/**
 * What the engine puts into the Y.Docs it syncs: the transaction origin of
 * updates it applies from other devices, and the one root map it reserves;
 * and the scratch documents it reads stored updates into.
 */
import * as Y from 'yjs'

/** Transaction origin of updates applied from other devices (and from storage). */
export const REMOTE_ORIGIN = Symbol('y-dropbox:remote')

/**
 * The root map every synced document reserves for the engine (it holds the
 * `deleted` flag). Apps must not use a root type of this name.
 */
export const META_MAP = 'y-dropbox'

/** True when the document carries the deleted flag. */
export function isDeletedDoc(doc: Y.Doc): boolean {
  return doc.getMap(META_MAP).get('deleted') === true
}

/**
 * A Y.Doc to read stored updates into, never synced or shown. It is given a
 * guid because Yjs draws a random one otherwise (lib0's `uuidv4` reads the
 * secure random source once per hex digit: 0.3 ms per document in Node).
 */
export function scratchDoc(): Y.Doc {
  return new Y.Doc({ guid: 'y-dropbox-scratch' })
}
