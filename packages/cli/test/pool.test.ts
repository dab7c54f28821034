/**
 * The binary against a pool three devices wrote on the emulator, plain and
 * encrypted: status counts, an export equal to what every device shows,
 * damage found by verify and put right by repair with no acknowledged edit
 * lost, and a wrong passphrase refused.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { readPoolDocuments } from '@y-dropbox/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { cli, type EmulatorPool, emulatorArgs, exported, ROOT, shown, writePool } from './helpers.ts'

describe.each([
  ['plain', false],
  ['encrypted', true],
])('a %s pool on the emulator', (_, encrypted) => {
  let pool: EmulatorPool
  beforeAll(async () => {
    pool = await writePool({ encrypted })
  })
  afterAll(async () => {
    await pool?.close()
  })

  it('status counts the devices, entries and files the devices wrote', async () => {
    const run = await cli(['status', '--json', ...emulatorArgs(pool)], pool.tmp)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const status = JSON.parse(run.stdout)
    expect(status.encrypted).toBe(encrypted)
    expect(status.root).toBe(ROOT.toLowerCase())
    expect(status.devices.map((d: { name: string }) => d.name).sort()).toEqual(['laptop', 'phone', 'tablet'])
    const phone = pool.devices[0]!.engine
    expect(status.entries).toEqual({
      total: phone.list().length,
      deleted: phone.list().filter((d) => d.deleted).length,
    })
    const files = pool.emulator.files().filter((f) => f.pathLower.startsWith(ROOT.toLowerCase()))
    const logs = files.filter((f) => f.pathLower.endsWith('.ydu'))
    expect(status.files.logs).toEqual({ files: logs.length, bytes: logs.reduce((n, f) => n + f.size, 0) })
    expect(status.files.devices.files).toBe(3)
    expect(status.files.snapshots.files).toBe(files.filter((f) => f.pathLower.includes('/snapshots/')).length)
    const human = await cli(['status', ...emulatorArgs(pool)], pool.tmp)
    expect(human.stdout).toMatch(/Devices \(3\)/)
    expect(human.stdout).toContain(encrypted ? 'encrypted)' : 'not encrypted)')
    if (pool.passphrase) expect(human.stdout + human.stderr).not.toContain(pool.passphrase)
  })

  it('exports what every device shows, deleted entries only when asked', async () => {
    const out = join(pool.tmp, 'diary.json')
    const run = await cli(['export', '--out', out, ...emulatorArgs(pool)], pool.tmp)
    expect(run.code).toBe(0)
    const all = exported(await readFile(out, 'utf8'))
    for (const device of pool.devices) {
      const view = await shown(device)
      const live = Object.fromEntries(Object.entries(view).filter(([, e]) => !e.deleted))
      expect(all).toEqual(live)
    }
    const withDeleted = join(pool.tmp, 'all.json')
    await cli(['export', '--out', withDeleted, '--include-deleted', ...emulatorArgs(pool)], pool.tmp)
    expect(exported(await readFile(withDeleted, 'utf8'))).toEqual(await shown(pool.devices[2]!))
    const ydocs = join(pool.tmp, 'ydocs')
    expect((await cli(['export', '-f', 'ydoc', '--out', ydocs, ...emulatorArgs(pool)], pool.tmp)).code).toBe(
      0,
    )
    const index = JSON.parse(await readFile(join(ydocs, 'index.json'), 'utf8')) as {
      entries: Array<{ id: string; file: string }>
    }
    expect(index.entries.map((e) => e.id).sort()).toEqual(Object.keys(all).sort())
    for (const { id, file } of index.entries) {
      const doc = new Y.Doc()
      Y.applyUpdate(doc, await readFile(join(ydocs, file)))
      expect({
        entry: doc.getMap('entry').toJSON(),
        notes: doc.getText('notes').toString(),
        deleted: false,
      }).toEqual(all[id])
    }
    const csv = join(pool.tmp, 'diary.csv')
    expect((await cli(['export', '--out', csv, ...emulatorArgs(pool)], pool.tmp)).code).toBe(0)
    const lines = (await readFile(csv, 'utf8')).split('\n')
    expect(lines[0]).toMatch(
      /^id,updatedAt,deleted,entry\.by-laptop,entry\.by-phone,entry\.by-tablet,entry\.pain,notes$/,
    )
    // One row per entry (notes span lines inside quotes).
    expect(lines.filter((l) => /^(entry-\d-[a-z]+|shared),/.test(l)).sort()).toEqual(
      Object.keys(all)
        .sort()
        .map((id) => expect.stringMatching(new RegExp(`^${id},`))),
    )
  })

  it('verify names a flipped byte in a log and a deleted shard; repair puts them right and loses no edit', async () => {
    const acknowledged = await shown(pool.devices[0]!)
    const { view } = await readPoolDocuments(pool.store, { root: ROOT, passphrase: pool.passphrase })
    const [newest, older] = view.manifests
    // A shard only the newest snapshot names, and a batch an older snapshot covers.
    const shard = newest!.shards.find((s) => !older!.shards.some((o) => o.hash === s.hash))!
    const [device, covered] = Object.entries(older!.coverage).find(([, seq]) => seq > 0)!
    const shardPath = `${ROOT}/epochs/${view.epoch}/shards/${shard.hash}.yds`.toLowerCase()
    const logPath =
      `${ROOT}/epochs/${view.epoch}/log/${device}/${String(covered).padStart(10, '0')}.ydu`.toLowerCase()
    const bytes = (await pool.store.get(logPath))!.data.slice()
    bytes[bytes.length >> 1]! ^= 0x01
    await pool.store.put(logPath, bytes, 'overwrite')
    await pool.store.delete([shardPath])

    const verify = await cli(['verify', ...emulatorArgs(pool)], pool.tmp)
    expect(verify.code).toBe(1)
    expect(verify.stdout).toContain(logPath)
    expect(verify.stdout).toContain(shardPath)
    expect(verify.stdout).toMatch(/ERROR {2}damaged/)
    expect(verify.stdout).toMatch(/ERROR {2}missing/)

    const refused = await cli(['repair', ...emulatorArgs(pool)], pool.tmp)
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/run it in a terminal, or pass --yes/)

    const repair = await cli(['repair', '--yes', ...emulatorArgs(pool)], pool.tmp)
    expect(repair.stderr).toMatch(/Remedy \(rebuild-snapshot\)/)
    expect(repair.stderr).toMatch(/Remedy \(quarantine\)/)
    expect(repair.code).toBe(0)
    expect(repair.stdout).toContain('No problems found.')
    const recovered = await pool.store.get(
      logPath.replace(`${ROOT.toLowerCase()}/`, `${ROOT.toLowerCase()}/recovered/`),
    )
    expect(recovered?.data).toEqual(bytes)
    expect((await cli(['verify', ...emulatorArgs(pool)], pool.tmp)).code).toBe(0)

    // No acknowledged edit lost: every device, a new one, and the export show what the devices showed before.
    for (const d of pool.devices) await d.engine.syncNow()
    for (const d of pool.devices) expect(await shown(d)).toEqual(acknowledged)
    expect(await shown(await pool.join('newcomer'))).toEqual(acknowledged)
    const out = join(pool.tmp, 'after.json')
    expect(
      (await cli(['export', '--include-deleted', '--out', out, ...emulatorArgs(pool)], pool.tmp)).code,
    ).toBe(0)
    expect(exported(await readFile(out, 'utf8'))).toEqual(acknowledged)
  })

  it.runIf(encrypted)('a wrong or missing passphrase exits 2 with a clear message', async () => {
    const wrong = join(pool.tmp, 'wrong')
    await writeFile(wrong, 'not the passphrase\n')
    const args = emulatorArgs(pool).filter((a) => !a.endsWith('passphrase'))
    const bad = await cli(['status', ...args.slice(0, -1), '--passphrase-file', wrong], pool.tmp)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/passphrase is wrong for this sync pool; nothing was changed/)
    expect(bad.stdout).toBe('')
    const none = await cli(['verify', ...args.slice(0, -1)], pool.tmp)
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/encrypted: give its passphrase with --passphrase-file/)
  })
})
