/**
 * Crafted and damaged files the fuzz suite met, each pinned as a plain test
 * over the fuzz baseline pool: a flipped version bit, a document id the
 * engine cannot open, a batch deleted before another device pulled it.
 */
import './fast-digest.ts'
import { decodeBlob, encodeBlob, MemoryLocalStore, type SyncEngine, YDropboxError } from '@y-dropbox/core'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Bench, buildBaseline, docsOf, edit, openEngine, ROOT } from './fuzz-pool.ts'

let bench: Bench
beforeAll(async () => {
  bench = await Bench.create(await buildBaseline())
})
afterEach(async () => {
  await bench.reset()
})

const open = (who: 'victim' | 'other') =>
  openEngine(
    bench.clients[who],
    new MemoryLocalStore({ entries: bench.base[who] }),
    () => bench.base.now + 60_000,
  )

/** The newest batch of `device` that holds `docId` (the victim lacks it). */
function pendingBatch(
  docId: string,
  device: 'creator' | 'other' = 'creator',
): { path: string; data: Uint8Array } {
  const dir = `${ROOT}/epochs/${bench.base.epoch}/log/${bench.base.ids[device]}/`
  const logs = bench.base.files.filter((f) => f.meta.path.startsWith(dir))
  const found = logs.reverse().find((f) => new TextDecoder('latin1').decode(f.data).includes(docId))!
  return { path: found.meta.path, data: found.data }
}

async function syncTyped(engine: SyncEngine): Promise<void> {
  await engine.syncNow().catch((error) => expect(error).toBeInstanceOf(YDropboxError))
}

describe('hostile files the fuzz suite found', () => {
  // Was read as a newer format ("update the app") and held that device's batches back.
  it('a bit flip in the version byte of a batch is damage, not a newer format', async () => {
    const { path, data } = pendingBatch('pa1')
    const flipped = data.slice()
    flipped[4]! ^= 0x04
    await bench.write([[path, flipped]])
    const victim = await open('victim')
    await victim.syncNow()
    expect(victim.status.message).toMatch(/damaged sync file/)
    expect(victim.status.message).not.toMatch(/update the app/)
    const docs = await docsOf(victim)
    expect(docs.pa1, 'the damaged batch is not applied').toBeUndefined()
    expect(docs.pa2?.entry, 'the same device’s next batch arrives').toEqual({ v: 'a2' })
    // Repaired, it is read again.
    await bench.write([[path, data]])
    await victim.syncNow()
    expect((await docsOf(victim)).pa1?.entry).toEqual({ v: 'a1' })
    await victim.close()
  })

  // Was listed, and doc() then threw a TypeError for it.
  it('a batch naming a document id the engine cannot open is quarantined', async () => {
    const { path, data } = pendingBatch('pb1', 'other')
    const content = await decodeBlob(data)
    content.entries[0]!.docId = 'x'.repeat(300)
    await bench.write([[path, await encodeBlob(content)]])
    const victim = await open('victim')
    await syncTyped(victim)
    for (const { id } of victim.list()) await expect(victim.doc(id)).resolves.toBeDefined()
    expect(victim.list().map((d) => d.id)).not.toContain('x'.repeat(300))
    expect((await docsOf(victim)).pa2?.entry, 'other batches arrive').toEqual({ v: 'a2' })
    await victim.close()
  })

  // Held that device's later batches back until a snapshot covered the gap.
  it('a deleted batch does not hold back the same device’s later edits for ever', async () => {
    const { other } = bench.base.ids
    const dir = `${ROOT}/epochs/${bench.base.epoch}/log/${other}/`
    const last = bench.base.files.filter((f) => f.meta.path.startsWith(dir)).pop()!
    await bench.write([[last.meta.path, undefined]])
    const victim = await open('victim')
    const editor = await open('other')
    await victim.syncNow()
    await edit(editor, 'later', 'v', 1)
    await editor.syncNow()
    const messages: string[] = []
    victim.on('status', (status) => messages.push(status.message))
    for (let i = 0; i < 3; i++) await victim.syncNow()
    expect((await docsOf(victim)).later?.entry).toEqual({ v: 1 })
    console.log(
      `deleted batch: "${messages.find((m) => /lost|missing|skipped/i.test(m)) ?? messages.at(-1)}"`,
    )
    await victim.close()
    await editor.close()
  })
})
