import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { LocalStore } from '../../src/local-store.ts'
import { FsLocalStore } from '../../src/stores/fs-local-store.ts'
import { contents, MemoryCloud, MemoryLocalStore, openDevice, SyncEngine, setField } from './helpers.ts'

const background = { autoSync: true, pushDelayMs: 5, pollIntervalMs: 60_000 }

async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, 20))
  }
  return check()
}

const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

/**
 * The stores the devices run on: in memory, and on disk compacting as often as
 * it can (reads during rewrites). `reopen` closes the store and opens it again;
 * the memory store, which cannot be reopened, stays open.
 */
const stores: Record<
  string,
  (name: string) => Promise<{ local: LocalStore; reopen: () => Promise<LocalStore> }>
> = {
  MemoryLocalStore: async () => {
    const local = new MemoryLocalStore()
    return { local, reopen: async () => local }
  },
  FsLocalStore: async (name) => {
    const dir = await mkdtemp(join(tmpdir(), `simultaneous-${name}-`))
    dirs.push(dir)
    const options = { dir, compactMinGarbageBytes: 0, compactGarbageRatio: 0 }
    const local = await FsLocalStore.open(options)
    return {
      local,
      reopen: async () => {
        await local.close()
        return FsLocalStore.open(options)
      },
    }
  },
}

describe.each(Object.keys(stores))('simultaneous saves with background sync only, on %s', (kind) => {
  it('two devices saving in the same tick each receive the other edit, five times over', async () => {
    const cloud = new MemoryCloud()
    const phoneStore = await stores[kind]!('phone')
    const tabletStore = await stores[kind]!('tablet')
    const phone = await openDevice(cloud, 'phone', { ...background, local: phoneStore.local })
    const tablet = await openDevice(cloud, 'tablet', { ...background, local: tabletStore.local })
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
    const seen = await contents(phone.engine)
    expect(await contents(tablet.engine)).toEqual(seen)
    await phone.engine.close()
    await tablet.engine.close()
    // What the phone shows came from its store: reopened, it holds every edit of both devices.
    const phoneAgain = await phoneStore.reopen()
    const reopened = await SyncEngine.open({
      remote: cloud.connect(),
      local: phoneAgain,
      root: '/diary',
      autoSync: false,
      onError: () => {},
    })
    expect(await contents(reopened)).toEqual(seen)
    expect(Object.keys(seen).sort()).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'b0', 'b1', 'b2', 'b3', 'b4'])
    await reopened.close()
    await phoneAgain.close()
    await tablet.local.close()
  })
})
