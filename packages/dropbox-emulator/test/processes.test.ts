/**
 * Things that need their own Node process: the command line, and the SDK's ES-module build
 * (which hands downloads over as `fileBlob`; the CommonJS build, tested in
 * upload-download.test.ts, gives `fileBinary`).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Dropbox } from 'dropbox'
import { afterEach, describe, expect, it } from 'vitest'
import { emulatorFetch } from '../src/index.ts'
import { bytes, connected } from './helpers.ts'

const here = fileURLToPath(new URL('.', import.meta.url))
// The command's source (the published bin runs its compiled form, checked by tests/consumer).
const bin = join(here, '..', 'src', 'bin.ts')
const cleanup: Array<() => Promise<void>> = []

afterEach(async () => {
  for (const f of cleanup.splice(0)) await f()
})

describe('the ES-module SDK build in Node', () => {
  it('downloads as fileBlob, with the metadata from Dropbox-API-Result', async () => {
    const { em, dbx } = await connected()
    await dbx.filesUpload({ path: '/Blob Ü.txt', contents: bytes('as a blob') })
    const run = promisify(execFile)
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', join(here, 'fixtures', 'esm-sdk-download.mjs'), em.url, '/blob ü.txt'],
      {
        env: { ...process.env, DROPBOX_TOKEN: em.issueTokens().accessToken },
        cwd: join(here, '..'),
      },
    )
    expect(JSON.parse(stdout)).toEqual({ blob: true, binary: false, text: 'as a blob', name: 'Blob Ü.txt' })
  })
})

describe('y-dropbox-emulator command line', () => {
  it('prints its URL, serves the API, keeps --data across a restart and stops on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emulator-cli-'))
    cleanup.push(() => rm(dir, { recursive: true, force: true }))
    const first = await launch(['--port', '0', '--data', dir, '--admin'])
    const tokens = (await (await fetch(`${first.url}/__emulator/tokens`, { method: 'POST' })).json()) as {
      accessToken: string
    }
    const dbx = new Dropbox({ accessToken: tokens.accessToken, fetch: emulatorFetch(first.url) })
    await dbx.filesUpload({ path: '/kept.txt', contents: bytes('kept') })
    expect(await stop(first.child, 'SIGTERM')).toBe(0)

    const second = await launch(['--port', '0', '--data', dir])
    const again = new Dropbox({ accessToken: tokens.accessToken, fetch: emulatorFetch(second.url) })
    const { result } = await again.filesDownload({ path: '/kept.txt' })
    expect((result as unknown as { fileBinary: Buffer }).fileBinary.toString()).toBe('kept')
    expect((await fetch(`${second.url}/__emulator/files`)).status).toBe(404)
    expect(await stop(second.child, 'SIGINT')).toBe(0)
  })

  it('refuses unknown options with exit code 2 and the usage', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', bin, '--bogus'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let err = ''
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString()
    })
    expect(await exited(child)).toBe(2)
    expect(err).toContain('Usage: y-dropbox-emulator')
  })
})

async function launch(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', bin, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  cleanup.push(async () => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const line = out.split('\n')[0]
      if (out.includes('\n') && line) resolve(line)
    })
    child.once('exit', (code) => reject(new Error(`the emulator exited early with code ${code}`)))
  })
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  return { child, url }
}

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  const done = exited(child)
  child.kill(signal)
  return done
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode)
    else child.once('exit', (code) => resolve(code))
  })
}
