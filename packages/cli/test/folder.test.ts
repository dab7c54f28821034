/**
 * The binary against a plain local copy of the app folder (what the Dropbox
 * desktop client keeps): the same status and export as over the API, damage
 * found by verify, and every change refused.
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli, type EmulatorPool, emulatorArgs, exported, mirror, ROOT, shown, writePool } from './helpers.ts'

describe.each([
  ['plain', false],
  ['encrypted', true],
])('a %s pool in a plain folder', (_, encrypted) => {
  let pool: EmulatorPool
  let dir: string
  let args: string[]
  beforeAll(async () => {
    pool = await writePool({ encrypted })
    dir = join(pool.tmp, 'Dropbox', 'Apps', 'Pain Diary')
    await mirror(pool, dir)
    args = ['--folder', dir, '--root', ROOT.toLowerCase()]
    if (pool.passphrase) args.push('--passphrase-file', join(pool.tmp, 'passphrase'))
  })
  afterAll(async () => {
    await pool?.close()
  })

  it('status and export equal those over the Dropbox API', async () => {
    const local = JSON.parse((await cli(['status', '--json', ...args], pool.tmp)).stdout)
    const remote = JSON.parse((await cli(['status', '--json', ...emulatorArgs(pool)], pool.tmp)).stdout)
    expect(local).toEqual(remote)
    const out = join(pool.tmp, 'from-folder.json')
    expect((await cli(['export', '--include-deleted', '--out', out, ...args], pool.tmp)).code).toBe(0)
    expect(exported(await readFile(out, 'utf8'))).toEqual(await shown(pool.devices[0]!))
    expect((await cli(['verify', ...args], pool.tmp)).code).toBe(0)
  })

  it('refuses to change the folder', async () => {
    for (const verb of [['repair', '--yes'], ['compact'], ['gc']]) {
      const run = await cli([...verb, ...args], pool.tmp)
      expect(run.code).toBe(2)
      expect(run.stderr).toMatch(/read-only copy/)
    }
  })

  it('verify names a flipped byte in a log and a deleted shard', async () => {
    const epochs = join(dir, 'Pain-Diary', 'epochs')
    const [epoch] = await readdir(epochs)
    const device = (await readdir(join(epochs, epoch!, 'log')))[0]!
    const log = join(epochs, epoch!, 'log', device, (await readdir(join(epochs, epoch!, 'log', device)))[0]!)
    const shard = join(epochs, epoch!, 'shards', (await readdir(join(epochs, epoch!, 'shards')))[0]!)
    const bytes = await readFile(log)
    bytes[bytes.length - 9]! ^= 0x40
    await writeFile(log, bytes)
    await rm(shard)
    const run = await cli(['verify', ...args], pool.tmp)
    expect(run.code).toBe(1)
    const inPool = (file: string) => file.slice(dir.length).toLowerCase()
    expect(run.stdout).toContain(inPool(log))
    expect(run.stdout).toContain(inPool(shard))
  })
})
