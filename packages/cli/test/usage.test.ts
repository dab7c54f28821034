/** Arguments, help, exit codes, and linking: the binary as a person meets it. */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { approveLink, type Emulator, startEmulator } from '@y-dropbox/dropbox-emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { APP_KEY, COMMAND, cli } from './helpers.ts'

const VERBS = ['link', 'status', 'verify', 'export', 'compact', 'gc', 'repair']

describe('the y-dropbox binary', () => {
  let tmp: string
  let emulator: Emulator
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'y-dropbox-usage-'))
    emulator = await startEmulator({ port: 0 })
  })
  afterAll(async () => {
    await emulator?.close()
    await rm(tmp, { recursive: true, force: true })
  })

  it('has --help on every verb (exit 0) and documents the exit codes', async () => {
    const top = await cli(['--help'], tmp)
    expect(top.code).toBe(0)
    expect(top.stdout).toMatch(/Exit codes: 0 fine, 1 a problem found in the pool, 2 a usage or access error/)
    for (const verb of VERBS) {
      const run = await cli([verb, '--help'], tmp)
      expect(run.code).toBe(0)
      expect(run.stdout).toContain(`Usage: y-dropbox ${verb}`)
    }
  })

  it('exits 2 with a message on bad usage or an unreachable pool', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /Usage: y-dropbox/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['status'], /required option '-r, --root <path>' not specified/],
      [['status', '--root', '/x', '--folder', join(tmp, 'nowhere')], /is not a folder/],
      [
        ['export', '--root', '/x', '--folder', tmp, '--out', join(tmp, 'x'), '--format', 'xml'],
        /--format must be json, csv or ydoc/,
      ],
      [['status', '--root', '/diary', '--folder', tmp], /there is no sync pool at \/diary/],
      [['status', '--root', 'diary', '--folder', tmp], /root must be an absolute folder path/],
      [['gc', '--root', '/x', '--folder', tmp, '--grace', 'soon'], /--grace takes a duration/],
      [['status', '--root', '/x'], /no Dropbox app key/],
    ]
    for (const [args, message] of cases) {
      const run = await cli(args, tmp)
      expect({ args, code: run.code }).toEqual({ args, code: 2 })
      expect(run.stderr + run.stdout).toMatch(message)
    }
  })

  it('links the emulator, keeps the tokens in a 0600 file, never prints them, and uses them', async () => {
    const config = join(tmp, 'config')
    const child = spawn(
      process.execPath,
      [...COMMAND, 'link', '--emulator', emulator.url, '--app-key', APP_KEY, '--port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, Y_DROPBOX_CONFIG_DIR: config } },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString()
    })
    const address = new Promise<string>((resolve) => {
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString()
        const url = /(http:\/\/\S+\/oauth2\/authorize\S+)/.exec(stderr)?.[1]
        if (url) resolve(url)
      })
    })
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)))
    await approve(await address)
    expect(await exited).toBe(0)
    const file = join(config, `dropbox-${APP_KEY}.json`)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    const tokens = JSON.parse(await readFile(file, 'utf8')) as { refreshToken: string; accessToken: string }
    expect(tokens.refreshToken.length).toBeGreaterThan(10)
    for (const secret of [tokens.refreshToken, tokens.accessToken])
      expect(stdout + stderr).not.toContain(secret)
    expect(stdout).toMatch(/^Linked/)
    // The next verb finds the link by itself: it reaches the emulator and finds no pool there.
    const env = { ...process.env, Y_DROPBOX_CONFIG_DIR: config }
    const status = await new Promise<{ code: number; out: string }>((resolve) => {
      const run = spawn(process.execPath, [...COMMAND, 'status', '--root', '/diary'], { env })
      let out = ''
      run.stderr.on('data', (c: Buffer) => {
        out += c.toString()
      })
      run.on('close', (code) => resolve({ code: code ?? -1, out }))
    })
    expect(status).toEqual({ code: 2, out: expect.stringMatching(/there is no sync pool at \/diary/) })
  })

  /** Plays the user on the emulator's approve page: presses Allow and follows the redirect back to the command. */
  async function approve(authorizeUrl: string): Promise<void> {
    const back = await fetch(await approveLink(authorizeUrl))
    expect(back.status).toBe(200)
  }
})
