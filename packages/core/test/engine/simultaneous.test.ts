import { describe, expect, it } from 'vitest'
import { contents, MemoryCloud, openDevice, setField } from './helpers.ts'

const background = { autoSync: true, pushDelayMs: 5, pollIntervalMs: 60_000 }

async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, 20))
  }
  return check()
}

describe('simultaneous saves with background sync only', () => {
  it('two devices saving in the same tick each receive the other edit, five times over', async () => {
    const cloud = new MemoryCloud()
    const phone = await openDevice(cloud, 'phone', background)
    const tablet = await openDevice(cloud, 'tablet', background)
    await phone.engine.activate()
    await tablet.engine.activate()
    for (let round = 0; round < 5; round++) {
      await Promise.all([
        setField(phone.engine, `a${round}`, 'pain', round),
        setField(tablet.engine, `b${round}`, 'pain', round),
      ])
      const both = async () => {
        const p = await contents(phone.engine)
        const t = await contents(tablet.engine)
        return `b${round}` in p && `a${round}` in t
      }
      expect(await until(both, 3000), `round ${round}`).toBe(true)
      await new Promise((r) => setTimeout(r, 50 + round * 30))
    }
    await phone.engine.close()
    await tablet.engine.close()
  })
})
