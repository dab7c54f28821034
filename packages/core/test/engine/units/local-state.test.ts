/**
 * local-state.ts: the LocalStore key layout is on-disk format. A device
 * updated to a new version must find its data under the same keys, so each
 * key is pinned here; changing one needs a migration.
 */
import { describe, expect, it } from 'vitest'
import { encodeJson, keys } from '../../../src/engine/local-state.ts'

describe('LocalStore keys', () => {
  it('are the ones earlier versions wrote', () => {
    expect(keys.state).toBe('m/state')
    expect(keys.doc('entry-1')).toBe('d/entry-1')
    expect(keys.pending('entry-1')).toBe('p/entry-1')
    expect(keys.outbox(42)).toBe('o/0000000042')
    expect(keys.index(0)).toBe('i/00')
    expect(keys.index(171)).toBe('i/ab')
    expect(keys.indexChunk(0)).toBe('k/0')
    expect(keys.indexChunk(15)).toBe('k/f')
    expect(keys.backup('2026-01-02T03-04-05-006Z')).toBe('b/2026-01-02T03-04-05-006Z')
  })

  it('share a prefix per kind, so a prefix listing finds exactly one kind', () => {
    expect(keys.doc('x').startsWith(keys.docPrefix)).toBe(true)
    expect(keys.pending('x').startsWith(keys.pendingPrefix)).toBe(true)
    expect(keys.outbox(1).startsWith(keys.outboxPrefix)).toBe(true)
    expect(keys.index(1).startsWith(keys.indexPrefix)).toBe(true)
    expect(keys.indexChunk(1).startsWith(keys.indexChunkPrefix)).toBe(true)
    expect(keys.backup('n').startsWith(keys.backupPrefix)).toBe(true)
    const prefixes = [
      keys.docPrefix,
      keys.pendingPrefix,
      keys.outboxPrefix,
      keys.indexPrefix,
      keys.indexChunkPrefix,
      keys.backupPrefix,
    ]
    expect(new Set(prefixes).size).toBe(prefixes.length)
    for (const p of prefixes) expect(keys.state.startsWith(p)).toBe(false)
  })

  it('sort outbox batches in seq order as strings', () => {
    const seqs = [1, 9, 10, 100, 99_999]
    expect(seqs.map(keys.outbox).sort()).toEqual(seqs.map(keys.outbox))
  })
})

describe('encodeJson', () => {
  it('is UTF-8 JSON', () => {
    expect(new TextDecoder().decode(encodeJson({ a: 'é', n: 1 }))).toBe('{"a":"é","n":1}')
  })
})
