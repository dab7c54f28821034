/**
 * @packageDocumentation
 * Several tabs of one browser profile, one y-dropbox device: `shareEngine()` elects one tab to
 * open the sync engine (Web Locks) and lets every tab use it over a BroadcastChannel: replicas of
 * the documents it edits (y-protocols sync), the document list, the status, and the engine's
 * operations. Leadership moves to another tab when the leading tab closes, losing no edit.
 */
export type { ChannelLike } from './bus.ts'
export type { LockManagerLike } from './leader-lock.ts'
export { SharedEngine, type SharedEngineEvents, shareEngine } from './shared-engine.ts'
export type { DocHandle, TabEvents } from './tab-client.ts'
export type { Calls, EngineCalls, Leader, ShareEngineOptions } from './types.ts'
