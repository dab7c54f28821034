import { describe, expect, it } from 'vitest'
import { MemoryLocalStore } from '../../src/stores/memory-local-store.ts'

const bytes = (text: string) => new TextEncoder().encode(text)

describe('MemoryLocalStore', () => {
  it('starts from copied initial entries', async () => {
    const value = bytes('v')
    const store = new MemoryLocalStore({ entries: [['k', value]] })
    value.fill(0)
    expect(await store.get('k')).toEqual(bytes('v'))
    expect(store.size).toBe(1)
  })

  it('reopen gives a store over the same data, even after close', async () => {
    const store = new MemoryLocalStore()
    await store.write([['k', bytes('1')]])
    await store.close()
    const again = store.reopen()
    expect(await again.get('k')).toEqual(bytes('1'))
    await again.write([['k', bytes('2')]])
    expect(await store.reopen().get('k')).toEqual(bytes('2'))
    await expect(store.get('k')).rejects.toThrow(/closed/)
  })

  it('keeps each value of a large batch whole and apart, whatever callers do with theirs', async () => {
    const store = new MemoryLocalStore()
    // Small values share slabs, large ones get their own copy: both must be copies.
    const values = Array.from({ length: 3000 }, (_, i) => bytes(`value ${i} `.repeat(1 + (i % 7))))
    values.push(new Uint8Array(10_000).fill(7))
    await store.write(values.map((v, i) => [`k/${i}`, v]))
    for (const v of values) v.fill(0)
    const first = await store.get('k/0')
    first!.fill(1)
    expect(await store.get('k/0')).toEqual(bytes('value 0 '))
    expect(await store.get('k/1')).toEqual(bytes('value 1 '.repeat(2)))
    expect(await store.get('k/2999')).toEqual(bytes('value 2999 '.repeat(1 + (2999 % 7))))
    expect(await store.get('k/3000')).toEqual(new Uint8Array(10_000).fill(7))
  })

  it('holds a small value written alone in about its own size, not in a whole slab', async () => {
    const store = new MemoryLocalStore()
    const before = process.memoryUsage().arrayBuffers
    // One small write per key, as the engine's flushes and state saves make them.
    for (let i = 0; i < 1000; i++) await store.write([[`k/${i}`, bytes(`value ${i}`)]])
    const grown = process.memoryUsage().arrayBuffers - before
    // 1,000 values of ~10 bytes; a 64 KiB slab each would be 64 MiB.
    expect(grown).toBeLessThan(4 * 1024 * 1024)
    expect(await store.get('k/999')).toEqual(bytes('value 999'))
  })
})
