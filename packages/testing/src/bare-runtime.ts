/**
 * A JavaScript runtime without the web platform's extras, for tests of code
 * that must run on one (React Native, older Safari, pages over plain http):
 * hides `CompressionStream`, `DecompressionStream`, `Blob.prototype.stream`
 * and `crypto` (so `crypto.subtle` and `crypto.getRandomValues` too).
 */

/** What `hideWebPlatform` can hide. */
export type WebPlatformFeature =
  | 'CompressionStream'
  | 'DecompressionStream'
  | 'Blob.prototype.stream'
  | 'crypto'

const ALL: WebPlatformFeature[] = [
  'CompressionStream',
  'DecompressionStream',
  'Blob.prototype.stream',
  'crypto',
]

/**
 * Hides `features` (default all) from this JavaScript realm until the
 * returned function puts them back. Hidden means `undefined`, as on a
 * runtime that never had them.
 */
export function hideWebPlatform(features: WebPlatformFeature[] = ALL): () => void {
  const restore: Array<() => void> = []
  for (const feature of features) {
    const [owner, key] =
      feature === 'Blob.prototype.stream'
        ? [Blob.prototype as object, 'stream']
        : [globalThis as object, feature as string]
    const before = Object.getOwnPropertyDescriptor(owner, key)
    Object.defineProperty(owner, key, { value: undefined, configurable: true, writable: true })
    restore.push(() => {
      if (before) Object.defineProperty(owner, key, before)
      else delete (owner as Record<string, unknown>)[key]
    })
  }
  return () => {
    for (const undo of restore.reverse()) undo()
  }
}
