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
})
