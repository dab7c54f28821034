import 'fake-indexeddb/auto'
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AuthError } from '@y-dropbox/core'
import { afterEach, describe, expect, it } from 'vitest'
import { createDropboxAuth } from '../src/auth/create-auth.ts'
import { FileTokenStore } from '../src/auth/file-token-store.ts'
import { IdbTokenStore } from '../src/auth/idb-token-store.ts'
import { MemoryTokenStore, type TokenStore } from '../src/auth/token-store.ts'
import { DropboxBlobStore } from '../src/dropbox-blob-store.ts'
import {
  bytes,
  downloaded,
  fileMetadata,
  ScriptedDropbox,
  tokenGranted,
  unauthorized,
} from './helpers/scripted-dropbox.ts'

const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'y-dropbox-tokens-'))
  dirs.push(dir)
  return dir
}

const sample = {
  accessToken: 'sl.A',
  refreshToken: 'R',
  accessTokenExpiresAt: 1_900_000_000_000,
  accountId: 'dbid:1',
}

async function roundTrip(store: TokenStore) {
  expect(await store.load()).toBeUndefined()
  await store.save(sample)
  expect(await store.load()).toEqual(sample)
  await store.save({ ...sample, accessToken: 'sl.B' })
  expect((await store.load())?.accessToken).toBe('sl.B')
  await store.clear()
  expect(await store.load()).toBeUndefined()
}

describe('token stores', () => {
  it('MemoryTokenStore saves, loads and clears copies', async () => {
    await roundTrip(new MemoryTokenStore())
  })

  it('IdbTokenStore saves, loads and clears in its own database', async () => {
    await roundTrip(new IdbTokenStore({ dbName: 'tokens-test-1' }))
    const a = new IdbTokenStore({ dbName: 'tokens-test-2', key: 'a' })
    const b = new IdbTokenStore({ dbName: 'tokens-test-2', key: 'b' })
    await a.save(sample)
    expect(await b.load()).toBeUndefined()
    expect(await new IdbTokenStore({ dbName: 'tokens-test-2', key: 'a' }).load()).toEqual(sample)
  })

  it('FileTokenStore writes mode 0600 atomically, leaving no temporary files', async () => {
    const dir = await tempDir()
    const file = join(dir, 'nested', 'dropbox.json')
    const store = new FileTokenStore(file)
    await roundTrip(store)
    await store.save(sample)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(sample)
    await Promise.all(Array.from({ length: 5 }, (_, i) => store.save({ ...sample, accessToken: `sl.${i}` })))
    expect(await readdir(join(dir, 'nested'))).toEqual(['dropbox.json'])
  })

  it('FileTokenStore reports an unreadable file clearly', async () => {
    const file = join(await tempDir(), 'dropbox.json')
    await writeFile(file, '{not json')
    await expect(new FileTokenStore(file).load()).rejects.toThrow(
      /unreadable; delete it and link Dropbox again/,
    )
  })
})

describe('createDropboxAuth', () => {
  it('throws AuthError when nothing is linked', async () => {
    await expect(
      createDropboxAuth({ appKey: 'k', tokenStore: new MemoryTokenStore() }),
    ).rejects.toBeInstanceOf(AuthError)
  })

  it('saves refreshed tokens back to the store, keeping the refresh token', async () => {
    const data = bytes('x')
    const meta = await fileMetadata('/f', data)
    const dbx = new ScriptedDropbox()
      .on('oauth2/token', tokenGranted('sl.FRESH', 3600))
      .on('files/download', (call) =>
        call.headers.get('authorization') === 'Bearer sl.FRESH' ? downloaded(meta, data) : unauthorized(),
      )
    const tokenStore = new MemoryTokenStore({ ...sample, accessTokenExpiresAt: Date.now() + 3_600_000 })
    const auth = await createDropboxAuth({ appKey: 'k', tokenStore, fetch: dbx.fetch })
    const store = new DropboxBlobStore({ auth })
    await expect(store.get('/f')).resolves.toMatchObject({ data })
    const saved = await tokenStore.load()
    expect(saved).toMatchObject({ accessToken: 'sl.FRESH', refreshToken: 'R', accountId: 'dbid:1' })
    expect(saved!.accessTokenExpiresAt).toBeGreaterThan(Date.now() + 3_000_000)
    const refresh = dbx.callsTo('oauth2/token')[0]!
    expect(refresh.url.searchParams.get('grant_type')).toBe('refresh_token')
    expect(refresh.url.searchParams.get('client_id')).toBe('k')
  })

  it('refreshes before the first call when only a refresh token is known', async () => {
    const dbx = new ScriptedDropbox().on('oauth2/token', tokenGranted('sl.FIRST'))
    const data = bytes('y')
    const meta = await fileMetadata('/f', data)
    dbx.on('files/download', downloaded(meta, data))
    const auth = await createDropboxAuth({ appKey: 'k', refreshToken: 'R', fetch: dbx.fetch })
    const store = new DropboxBlobStore({ auth, downloadConcurrency: 5 })
    await Promise.all(Array.from({ length: 5 }, () => store.get('/f')))
    expect(dbx.callsTo('oauth2/token')).toHaveLength(1)
    expect(dbx.callsTo('files/download')[0]!.headers.get('authorization')).toBe('Bearer sl.FIRST')
  })
})
