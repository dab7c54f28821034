/**
 * `dataDir`: files, revisions, cursors and tokens survive a restart; a crash leaves whole
 * state (journal replay, torn tail ignored); contents nothing refers to are removed.
 */
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Dropbox, DropboxAuth } from 'dropbox'
import { afterEach, describe, expect, it } from 'vitest'
import { type Emulator, emulatorFetch, startEmulator } from '../src/index.ts'
import { bytes, emulator } from './helpers.ts'

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'emulator-data-'))
  dirs.push(dir)
  return dir
}

function sdk(em: Emulator, accessToken: string): Dropbox {
  return new Dropbox({ accessToken, fetch: emulatorFetch(em.url) })
}

async function text(dbx: Dropbox, path: string): Promise<string> {
  const { result } = await dbx.filesDownload({ path })
  return (result as unknown as { fileBinary: Buffer }).fileBinary.toString()
}

/** Every file under `dir`, recursively, relative. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
}

describe('dataDir', () => {
  it('keeps files, revisions, cursors and tokens across a restart', async () => {
    const dir = await tempDir()
    const first = await startEmulator({ dataDir: dir })
    const tokens = first.issueTokens({ clientId: 'app' })
    const dbx = sdk(first, tokens.accessToken)
    await dbx.filesUpload({ path: '/Pool/a.txt', contents: bytes('alpha') })
    await dbx.filesUpload({ path: '/Pool/b.txt', contents: bytes('beta') })
    await dbx.filesUpload({ path: '/Pool/b.txt', contents: bytes('beta 2'), mode: { '.tag': 'overwrite' } })
    await dbx.filesDeleteV2({ path: '/Pool/a.txt' })
    const { cursor } = (await dbx.filesListFolder({ path: '/pool', recursive: true })).result
    const before = first.files()
    await first.close()

    const second = await emulator({ dataDir: dir })
    expect(second.files()).toEqual(before)
    const again = sdk(second, tokens.accessToken)
    expect(await text(again, '/pool/b.txt')).toBe('beta 2')
    const meta = (await again.filesGetMetadata({ path: '/pool/a.txt', include_deleted: true })).result
    expect(meta['.tag']).toBe('deleted')
    const up = (await again.filesUpload({ path: '/pool/c.txt', contents: bytes('gamma') })).result
    expect(before.map((f) => f.rev)).not.toContain(up.rev)
    const changes = (await again.filesListFolderContinue({ cursor })).result.entries
    expect(changes.map((e) => e.path_lower)).toEqual(['/pool/c.txt'])
    const auth = new DropboxAuth({
      clientId: 'app',
      refreshToken: tokens.refreshToken,
      fetch: emulatorFetch(second.url),
    })
    await auth.refreshAccessToken()
  })

  it('a crash keeps every answered write: the journal is replayed and a torn last line ignored', async () => {
    const dir = await tempDir()
    const crashed = await tempDir()
    const live = await emulator({ dataDir: dir })
    const dbx = sdk(live, live.issueTokens().accessToken)
    await dbx.filesUpload({ path: '/one.txt', contents: bytes('1') })
    await dbx.filesUpload({ path: '/two.txt', contents: bytes('2') })
    await dbx.filesDeleteV2({ path: '/one.txt' })
    // Copy the folder while the emulator runs: what a power cut right now would leave.
    await cp(dir, crashed, { recursive: true })
    await writeFile(join(crashed, 'journal.jsonl'), '{"seq":999,"entries":[{"tag":"file","lo', { flag: 'a' })

    const restarted = await emulator({ dataDir: crashed })
    expect(restarted.files().map((f) => f.path)).toEqual(['/two.txt'])
    const { accessToken } = restarted.issueTokens()
    expect(await text(sdk(restarted, accessToken), '/two.txt')).toBe('2')
    const up = (await sdk(restarted, accessToken).filesUpload({ path: '/three.txt', contents: bytes('3') }))
      .result
    expect(up.rev).toMatch(/^[0-9a-f]{9,}$/)
  })

  it('removes stored contents no file refers to, and leaves no temporary files', async () => {
    const dir = await tempDir()
    const em = await startEmulator({ dataDir: dir })
    const dbx = sdk(em, em.issueTokens().accessToken)
    await dbx.filesUpload({ path: '/keep.txt', contents: bytes('keep') })
    await dbx.filesUpload({ path: '/same.txt', contents: bytes('keep') })
    await dbx.filesUpload({ path: '/drop.txt', contents: bytes('drop') })
    await dbx.filesUpload({ path: '/keep.txt', contents: bytes('keep v2'), mode: { '.tag': 'overwrite' } })
    await dbx.filesDeleteV2({ path: '/drop.txt' })
    await em.close()
    const restarted = await emulator({ dataDir: dir })
    const stored = (await filesUnder(dir)).filter((f) => f.startsWith('blobs'))
    expect(stored.map((f) => f.split('/').pop()).sort()).toEqual(
      restarted
        .files()
        .map((f) => f.contentHash)
        .filter((h, i, all) => all.indexOf(h) === i)
        .sort(),
    )
    expect(stored).toHaveLength(2)
    expect((await filesUnder(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('reset wipes a persistent emulator too', async () => {
    const dir = await tempDir()
    const em = await startEmulator({ dataDir: dir })
    await sdk(em, em.issueTokens().accessToken).filesUpload({ path: '/a', contents: bytes('a') })
    await em.reset()
    await em.close()
    expect((await emulator({ dataDir: dir })).files()).toEqual([])
  })

  it('without dataDir nothing is kept', async () => {
    const first = await emulator()
    await sdk(first, first.issueTokens().accessToken).filesUpload({ path: '/a', contents: bytes('a') })
    await first.close()
    expect((await emulator()).files()).toEqual([])
  })
})

describe('data folder lock', () => {
  it('refuses a folder another running emulator uses, and frees it on close', async () => {
    const dir = await tempDir()
    const first = await startEmulator({ dataDir: dir })
    await expect(startEmulator({ dataDir: dir })).rejects.toThrow(/in use by another emulator/)
    await first.close()
    await (await emulator({ dataDir: dir })).close()
  })

  it('takes over a lock left by a process that is gone', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'LOCK'), '999999999')
    await expect(emulator({ dataDir: dir })).resolves.toBeTruthy()
  })

  it('a port in use fails with EADDRINUSE and releases the folder', async () => {
    const dir = await tempDir()
    const other = await emulator()
    await expect(startEmulator({ dataDir: dir, port: other.port })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    })
    await expect(emulator({ dataDir: dir })).resolves.toBeTruthy()
  })
})
