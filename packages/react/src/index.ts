/**
 * @packageDocumentation
 * React hooks for y-dropbox (React 18 and 19, and Preact through `preact/compat`): the sync
 * status, the document list, and one document that follows the engine when it replaces it. Each
 * takes a `SyncEngine`, or a `SharedEngine` of `@y-dropbox/tabs`.
 */
export type { AnyListener, DocSource, ListSource, StatusSource } from './sources.ts'
export { useEntries } from './use-entries.ts'
export { useEntryDoc } from './use-entry-doc.ts'
export { useSyncStatus } from './use-sync-status.ts'
