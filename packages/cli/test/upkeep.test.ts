/**
 * compact and gc through the binary: the engine's own code runs them, a dry
 * run changes nothing, the command line never shows up as a device, and gc
 * deletes exactly what status estimated, losing no edit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli, type EmulatorPool, edit, emulatorArgs, ROOT, shown, writePool } from './helpers.ts'

describe('compact and gc on the emulator', () => {
  let pool: EmulatorPool
  const files = () =>
    pool.emulator
      .files()
      .map((f) => f.pathLower)
      .filter((p) => p.startsWith(ROOT.toLowerCase()))
      .sort()
  const status = async (...extra: string[]) =>
    JSON.parse((await cli(['status', '--json', ...extra, ...emulatorArgs(pool)], pool.tmp)).stdout)

  beforeAll(async () => {
    pool = await writePool()
    const writer = await pool.join('writer', { compacts: false })
    await edit(writer, 'entry-late', 3, 'written after the last snapshot')
    await writer.engine.syncNow()
  })
  afterAll(async () => {
    await pool?.close()
  })

  it('compact --dry-run lists a snapshot and writes nothing; compact writes it and no device record', async () => {
    const before = await status()
    expect(before.compaction.files).toBeGreaterThan(0)
    const listed = files()
    const dry = await cli(['compact', '--dry-run', '--json', ...emulatorArgs(pool)], pool.tmp)
    expect(dry.code).toBe(0)
    const planned = JSON.parse(dry.stdout)
    expect(planned.done).toBe(true)
    expect(planned.written.some((p: string) => p.includes('/snapshots/'))).toBe(true)
    expect(files()).toEqual(listed)

    const real = await cli(['compact', ...emulatorArgs(pool)], pool.tmp)
    expect(real.code).toBe(0)
    expect(real.stdout).toMatch(/^Wrote a snapshot/)
    const after = await status()
    expect(after.compaction.files).toBe(0)
    expect(after.devices.map((d: { deviceId: string }) => d.deviceId).sort()).toEqual(
      before.devices.map((d: { deviceId: string }) => d.deviceId).sort(),
    )
    expect(files().filter((p) => !listed.includes(p))).toEqual(
      expect.arrayContaining([expect.stringContaining('/snapshots/')]),
    )
    expect((await cli(['compact', ...emulatorArgs(pool)], pool.tmp)).stdout).toMatch(/nothing to compact/)
  })

  it('gc deletes what status estimated (dry run first), and every edit stays', async () => {
    for (const d of pool.devices) await d.engine.syncNow()
    const acknowledged = await shown(pool.devices[0]!)
    expect(acknowledged['entry-late']).toBeDefined()
    const estimate = (await status('--grace', '0')).gc
    expect(estimate.files).toBeGreaterThan(0)
    const listed = files()
    const refused = await cli(['gc', '--grace', '30m', ...emulatorArgs(pool)], pool.tmp)
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/grace period under 1 hour .* add --unsafe-short-grace/)
    const dry = JSON.parse(
      (
        await cli(
          ['gc', '--grace', '0', '--unsafe-short-grace', '--dry-run', '--json', ...emulatorArgs(pool)],
          pool.tmp,
        )
      ).stdout,
    )
    expect(dry.deleted).toHaveLength(estimate.files)
    expect(files()).toEqual(listed)

    const real = await cli(
      ['gc', '--grace', '0', '--unsafe-short-grace', '--json', ...emulatorArgs(pool)],
      pool.tmp,
    )
    expect(real.code).toBe(0)
    const { deleted } = JSON.parse(real.stdout)
    expect([...deleted].sort()).toEqual([...dry.deleted].sort())
    expect(files()).toEqual(listed.filter((p) => !deleted.includes(p)))
    expect((await cli(['verify', ...emulatorArgs(pool)], pool.tmp)).code).toBe(0)
    for (const d of pool.devices) await d.engine.syncNow()
    for (const d of pool.devices) expect(await shown(d)).toEqual(acknowledged)
    expect(await shown(await pool.join('after-gc'))).toEqual(acknowledged)
  })

  it('the default grace period keeps what devices may still need', async () => {
    const run = await cli(['gc', '--dry-run', ...emulatorArgs(pool)], pool.tmp)
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^Would delete 0 file\(s\) no device needs \(grace period 7 days\)\./)
  })
})
