/** snapshot.ts on its own: writing shards and manifests, reading the newest, applying one. */
import { describe, expect, it } from 'vitest'
import { setCipher } from '../../../src/engine/encryption.ts'
import {
  applySnapshot,
  MissingShardError,
  readAllDocsLocked,
  readManifests,
  readNewestManifest,
  sha256Hex,
  writeSnapshot,
} from '../../../src/engine/snapshot.ts'
import { CorruptBlobError, TransientError } from '../../../src/errors.ts'
import { parseManifest } from '../../../src/remote/records.ts'
import { edit, entry, fileAt, joined, MemoryCloud, type Parts, paths } from './fixture.ts'

/** A pool whose creator holds `count` entries (e0, e1, ...) and a second device that joined it. */
async function poolWithEntries(count: number, options = {}) {
  const cloud = new MemoryCloud()
  const writer = await joined(cloud, { deviceName: 'writer', ...options })
  for (let i = 0; i < count; i++) await edit(writer, `e${i}`, i)
  const reader = await joined(cloud, { deviceName: 'reader' })
  return { cloud, writer, reader }
}

/** Writes a snapshot of everything `device` holds, claiming `coverage`. */
async function snapshotOf(device: Parts, coverage: Record<string, number>) {
  const { poolId, epoch } = device.core.state
  const docs = await device.core.lock.run(() => readAllDocsLocked(device.ctx))
  return writeSnapshot(device.ctx, { poolId: poolId!, epoch: epoch! }, coverage, docs)
}

/** Device ids that coverage may name. */
const ONE = 'deviceone'
const TWO = 'devicetwo'

function files(device: Parts) {
  return device.ctx.view.epoch(device.core.state.epoch!)
}

describe('writeSnapshot', () => {
  it('writes content-addressed shards holding every document, then a manifest named by its coverage', async () => {
    const { cloud, writer } = await poolWithEntries(5, { shardBytes: 1 })
    const manifest = await snapshotOf(writer, { [ONE]: 7, [TWO]: 5 })
    expect(manifest.name).toMatch(new RegExp(`^000000000012-${writer.core.state.deviceId}-[a-z0-9]{6}$`))
    expect(manifest.shards.length).toBeGreaterThan(1)
    expect(manifest.shards.reduce((n, s) => n + s.docs, 0)).toBe(5)
    const { epoch } = writer.core.state
    for (const shard of manifest.shards) {
      const bytes = fileAt(cloud, writer.core.layout.shard(epoch!, shard.hash))!
      expect(await sha256Hex(bytes)).toBe(shard.hash)
      expect(bytes.length).toBe(shard.size)
    }
    const stored = parseManifest(fileAt(cloud, writer.core.layout.manifest(epoch!, manifest.name))!, 'x')
    expect(stored).toMatchObject({ coverage: { [ONE]: 7, [TWO]: 5 }, shards: manifest.shards, epoch })
  })

  it('uploads no shard again whose documents did not change', async () => {
    const { writer } = await poolWithEntries(3)
    await snapshotOf(writer, {})
    const puts = writer.remote.stats().calls.put
    const again = await snapshotOf(writer, { [ONE]: 1 })
    // Only the manifest: the one shard is the same file.
    expect(writer.remote.stats().calls.put - puts).toBe(1)
    expect(files(writer).shards.has(again.shards[0]!.hash)).toBe(true)
  })

  it('seals the manifest in an encrypted pool, so the folder shows no coverage', async () => {
    const { cloud, writer } = await poolWithEntries(1)
    setCipher(writer.ctx, { salt: 'test-salt', raw: new Uint8Array(32).fill(7) })
    const manifest = await snapshotOf(writer, { [ONE]: 3 })
    const layout = writer.core.layout
    const stored = parseManifest(fileAt(cloud, layout.manifest(manifest.epoch, manifest.name))!, 'x')
    expect(stored).toMatchObject({ coverage: {}, shards: [], createdBy: '' })
    expect(typeof stored.sealed).toBe('string')
    const read = await readNewestManifest(writer.ctx, files(writer))
    expect(read).toMatchObject({ name: manifest.name, coverage: { [ONE]: 3 }, shards: manifest.shards })
  })
})

describe('readNewestManifest and readManifests', () => {
  it('reads the manifest with the most coverage, and each one once while its rev stays', async () => {
    const { writer } = await poolWithEntries(1)
    const older = await snapshotOf(writer, { [ONE]: 1 })
    const newer = await snapshotOf(writer, { [ONE]: 3 })
    expect((await readNewestManifest(writer.ctx, files(writer)))?.name).toBe(newer.name)
    const all = await readManifests(writer.ctx, files(writer))
    expect(all.map((m) => m.name)).toContain(older.name)
    // The pool's starting snapshot, and the two above.
    expect(all).toHaveLength(3)
    const gets = writer.remote.stats().calls.get
    await readManifests(writer.ctx, files(writer))
    expect(writer.remote.stats().calls.get).toBe(gets)
  })

  it('quarantines a damaged newest manifest and falls back to the next one', async () => {
    const { cloud, writer, reader } = await poolWithEntries(1)
    const good = await snapshotOf(writer, { [ONE]: 1 })
    const bad = await snapshotOf(writer, { [ONE]: 5 })
    const badPath = writer.core.layout.manifest(bad.epoch, bad.name)
    await cloud.connect().put(badPath, new TextEncoder().encode('{ not json'), 'overwrite')
    await reader.ctx.view.refresh()
    expect((await readNewestManifest(reader.ctx, files(reader)))?.name).toBe(good.name)
    expect(Object.keys(reader.core.state.quarantine)).toEqual([badPath])
    expect(reader.errors).toEqual([`skipped a damaged sync file ${badPath}`])
    // Set aside until it changes: reading them all gets only the one not read yet (the starting snapshot).
    const gets = reader.remote.stats().calls.get
    expect(await readManifests(reader.ctx, files(reader))).toHaveLength(2)
    expect(reader.remote.stats().calls.get).toBe(gets + 1)
  })

  it('refuses a sealed manifest on a device without the key', async () => {
    const { writer, reader } = await poolWithEntries(1)
    setCipher(writer.ctx, { salt: 'test-salt', raw: new Uint8Array(32).fill(7) })
    const sealed = await snapshotOf(writer, { [ONE]: 9 })
    await reader.ctx.view.refresh()
    const newest = await readNewestManifest(reader.ctx, files(reader))
    expect(newest?.name).not.toBe(sealed.name)
    expect(reader.status.current.notes).toEqual([
      {
        kind: 'damaged-file',
        detail: expect.stringMatching(/manifest is sealed, but this device has no key/),
      },
    ])
  })
})

describe('applySnapshot', () => {
  it("merges every shard's documents and raises coverage to the manifest's", async () => {
    const { writer, reader } = await poolWithEntries(4, { shardBytes: 1 })
    const manifest = await snapshotOf(writer, { [ONE]: 4 })
    await applySnapshot(reader.ctx, manifest)
    for (let i = 0; i < 4; i++) expect(await entry(reader, `e${i}`)).toEqual({ pain: i })
    expect(reader.core.state).toMatchObject({ snapshotApplied: true, coverage: { [ONE]: 4 } })
    expect(reader.ctx.view.cursor).toBeDefined()
  })

  it('throws MissingShardError (a passing failure) when a shard is gone', async () => {
    const { cloud, writer, reader } = await poolWithEntries(2)
    const manifest = await snapshotOf(writer, { [ONE]: 2 })
    await cloud.connect().delete(paths(cloud, 'epochs').filter((p) => p.endsWith('.yds')))
    const error = await applySnapshot(reader.ctx, manifest).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MissingShardError)
    expect(error).toBeInstanceOf(TransientError)
    expect((error as Error).message).toMatch(/a shard named by the newest snapshot is missing/)
    expect(reader.core.state.coverage).toEqual({})
  })

  it('refuses a shard whose content does not match its name, applying nothing of it', async () => {
    const { cloud, writer, reader } = await poolWithEntries(2)
    const manifest = await snapshotOf(writer, { [ONE]: 2 })
    const shard = writer.core.layout.shard(manifest.epoch, manifest.shards[0]!.hash)
    const bytes = fileAt(cloud, shard)!
    bytes[bytes.length - 1]! ^= 1
    await cloud.connect().put(shard, bytes, 'overwrite')
    const error = await applySnapshot(reader.ctx, manifest).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CorruptBlobError)
    expect((error as Error).message).toMatch(/shard content does not match its name/)
    expect([...reader.core.index.entries()]).toEqual([])
    expect(reader.core.state.coverage).toEqual({})
  })
})

describe('parseManifest', () => {
  const manifest = (over: object) =>
    new TextEncoder().encode(
      JSON.stringify({
        format: 1,
        epoch: 'epochone',
        coverage: { [ONE]: 4 },
        shards: [{ hash: 'a'.repeat(64), size: 10, docs: 2 }],
        createdBy: ONE,
        createdAt: 1,
        ...over,
      }),
    )

  it('refuses a manifest that covers batches but lists no shard: it would erase what it claims to hold', () => {
    expect(parseManifest(manifest({}), 'm').shards).toHaveLength(1)
    expect(() => parseManifest(manifest({ shards: [] }), 'm')).toThrow(CorruptBlobError)
    expect(() => parseManifest(manifest({ shards: [] }), 'm')).toThrow(/shards/)
    // The first snapshot of an empty pool covers nothing and holds nothing.
    expect(parseManifest(manifest({ coverage: {}, shards: [] }), 'm').shards).toEqual([])
  })

  it('refuses a shard of no documents or no bytes (writers never list an empty shard)', () => {
    for (const shard of [{ docs: 0 }, { size: 0 }]) {
      const bad = manifest({ shards: [{ hash: 'a'.repeat(64), size: 10, docs: 2, ...shard }] })
      expect(() => parseManifest(bad, 'm')).toThrow(/shard entry/)
    }
  })
})
