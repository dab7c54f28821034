/**
 * What the engine puts into the Y.Docs it syncs: the transaction origin of
 * updates it applies from other devices, and the one root map it reserves.
 */
import type * as Y from 'yjs'

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
