import { ConflictError, contentHash, QuotaError, TransientError } from '@y-dropbox/core'
import { describe, expect, it } from 'vitest'
import { checkUploadSize, MAX_UPLOAD_BYTES } from '../src/file-ops.ts'
import { downloadedBytes } from '../src/metadata.ts'
import {
  bytes,
  downloaded,
  dropped,
  fail,
  fileMetadata,
  ok,
  routeError,
  ScriptedDropbox,
  testStore,
} from './helpers/scripted-dropbox.ts'

describe('put', () => {
  it('sends the locally computed content hash and the mode, and returns lower-case metadata', async () => {
    const data = bytes('entry')
    const dbx = new ScriptedDropbox().on('files/upload', async () =>
      ok(await fileMetadata('/Pool/A.ydu', data, 'r7')),
    )
    const { store } = testStore(dbx)
    const meta = await store.put('/Pool/A.ydu', data, { update: 'r6' })
    expect(meta).toEqual({ path: '/pool/a.ydu', rev: 'r7', size: 5, contentHash: await contentHash(data) })
    const call = dbx.callsTo('files/upload')[0]!
    expect(call.host).toBe('content.dropboxapi.com')
    expect(call.arg).toMatchObject({
      path: '/pool/a.ydu',
      mode: { '.tag': 'update', update: 'r6' },
      autorename: false,
      content_hash: await contentHash(data),
    })
    expect(new TextDecoder().decode(call.body)).toBe('entry')
  })

  it('add: a conflict with identical bytes at the path succeeds', async () => {
    const data = bytes('same')
    const dbx = new ScriptedDropbox()
      .on('files/upload', routeError(['path', 'conflict', 'file']))
      .on('files/get_metadata', async () => ok(await fileMetadata('/a', data, 'r1')))
    const { store } = testStore(dbx)
    await expect(store.put('/a', data, 'add')).resolves.toMatchObject({ rev: 'r1' })
  })

  it('add: a conflict with different bytes is a ConflictError', async () => {
    const dbx = new ScriptedDropbox()
      .on('files/upload', routeError(['path', 'conflict', 'file']))
      .on('files/get_metadata', async () => ok(await fileMetadata('/a', bytes('other'))))
    const { store } = testStore(dbx)
    const error = await store.put('/a', bytes('mine'), 'add').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConflictError)
    expect((error as ConflictError).path).toBe('/a')
  })

  it('update: a stale rev is a ConflictError without a metadata lookup', async () => {
    const dbx = new ScriptedDropbox().on('files/upload', routeError(['path', 'conflict', 'file']))
    const { store } = testStore(dbx)
    await expect(store.put('/p.json', bytes('v2'), { update: 'r1' })).rejects.toThrow(/no longer at rev r1/)
    expect(dbx.callsTo('files/get_metadata')).toHaveLength(0)
  })

  it('update: a retry after a lost response that had applied is not reported as a conflict', async () => {
    const data = bytes('v2')
    const dbx = new ScriptedDropbox()
      .queue('files/upload', dropped(), routeError(['path', 'conflict', 'file']))
      .on('files/get_metadata', async () => ok(await fileMetadata('/p.json', data, 'r2')))
    const { store } = testStore(dbx)
    await expect(store.put('/p.json', data, { update: 'r1' })).resolves.toMatchObject({ rev: 'r2' })
  })

  it('update: after a lost response, different bytes at the path are still a conflict', async () => {
    const dbx = new ScriptedDropbox()
      .queue('files/upload', fail(500, 'x'), routeError(['path', 'conflict', 'file']))
      .on('files/get_metadata', async () => ok(await fileMetadata('/p.json', bytes('theirs'), 'r3')))
    const { store } = testStore(dbx)
    await expect(store.put('/p.json', bytes('mine'), { update: 'r1' })).rejects.toBeInstanceOf(ConflictError)
  })

  it('maps insufficient_space to QuotaError', async () => {
    const dbx = new ScriptedDropbox().on('files/upload', routeError(['path', 'insufficient_space']))
    const { store } = testStore(dbx)
    const error = await store.put('/a', bytes('x'), 'add').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(QuotaError)
    expect((error as Error).message).toMatch(/full; free some space/)
  })

  it('retries when Dropbox reports a different content hash than sent', async () => {
    const data = bytes('good')
    const dbx = new ScriptedDropbox().queue(
      'files/upload',
      async () => ok(await fileMetadata('/a', bytes('garbled'))),
      async () => ok(await fileMetadata('/a', data)),
    )
    const { store } = testStore(dbx)
    await expect(store.put('/a', data, 'overwrite')).resolves.toMatchObject({
      contentHash: await contentHash(data),
    })
    expect(dbx.callsTo('files/upload')).toHaveLength(2)
  })

  it('retries a truncated success body', async () => {
    const data = bytes('t')
    const dbx = new ScriptedDropbox().queue(
      'files/upload',
      new Response('{"name": "a", "path_lo', { status: 200 }),
      async () => ok(await fileMetadata('/a', data)),
    )
    const { store } = testStore(dbx)
    await expect(store.put('/a', data, 'add')).resolves.toMatchObject({ path: '/a' })
  })

  it('rejects invalid paths before any request', async () => {
    const dbx = new ScriptedDropbox()
    const { store } = testStore(dbx)
    await expect(store.put('relative/x', bytes('x'), 'add')).rejects.toThrow(/absolute path/)
    await expect(store.put('/a//b', bytes('x'), 'add')).rejects.toThrow(/segments/)
    expect(dbx.calls).toHaveLength(0)
  })

  it('refuses a file larger than one upload call takes, before any request', () => {
    const huge = { length: MAX_UPLOAD_BYTES + 1 } as Uint8Array
    expect(() => checkUploadSize('/big.bin', huge)).toThrow(/at most 150 MiB per upload, split it/)
    expect(() => checkUploadSize('/ok.bin', { length: MAX_UPLOAD_BYTES } as Uint8Array)).not.toThrow()
  })

  it('sends no two writes at once', async () => {
    const dbx = new ScriptedDropbox()
      .on('files/upload', async (call) => ok(await fileMetadata(String(call.arg.path), call.body)))
      .on('files/delete_v2', ok({ metadata: {} }))
    const { store } = testStore(dbx)
    await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => store.put(`/w/${i}`, bytes(`d${i}`), 'add')),
      store.delete(['/w/x']),
    ])
    expect(dbx.maxInFlight.get('files/upload')).toBe(1)
    expect(dbx.callsTo('files/upload')).toHaveLength(8)
  })
})

describe('get', () => {
  it('returns bytes and metadata, checked against the content hash', async () => {
    const data = bytes('payload')
    const meta = await fileMetadata('/Dir/F.bin', data, 'r9')
    const dbx = new ScriptedDropbox().on('files/download', downloaded(meta, data))
    const { store } = testStore(dbx)
    const got = await store.get('/dir/f.bin')
    expect(got?.data).toEqual(data)
    expect(got?.data.constructor).toBe(Uint8Array)
    expect(got?.meta).toEqual({
      path: '/dir/f.bin',
      rev: 'r9',
      size: 7,
      contentHash: await contentHash(data),
    })
  })

  it('returns undefined for a missing file', async () => {
    const dbx = new ScriptedDropbox().on('files/download', routeError(['path', 'not_found']))
    const { store } = testStore(dbx)
    await expect(store.get('/nope')).resolves.toBeUndefined()
  })

  it('downloads again when the bytes do not match the hash, then fails clearly if they never do', async () => {
    const data = bytes('payload')
    const meta = await fileMetadata('/f', data)
    const dbx = new ScriptedDropbox()
      .queue('files/download', downloaded(meta, bytes('paylOad')), downloaded(meta, data))
      .on('files/download', downloaded(meta, bytes('broken!')))
    const { store } = testStore(dbx)
    await expect(store.get('/f')).resolves.toMatchObject({ data })
    const error = await store.get('/f').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TransientError)
    expect((error as Error).message).toMatch(
      /content hash of \/f does not match the bytes received after 3 attempts/,
    )
  })

  it('bounds concurrent downloads', async () => {
    const data = bytes('x')
    const meta = await fileMetadata('/f', data)
    const dbx = new ScriptedDropbox().on('files/download', downloaded(meta, data))
    const { store } = testStore(dbx, { downloadConcurrency: 2 })
    await Promise.all(Array.from({ length: 9 }, () => store.get('/f')))
    expect(dbx.maxInFlight.get('files/download')).toBe(2)
  })

  it('reads both SDK download shapes: fileBinary and fileBlob', async () => {
    const data = bytes('both ways')
    await expect(downloadedBytes({ fileBinary: Buffer.from(data) }, '/f')).resolves.toEqual(data)
    await expect(
      downloadedBytes({ fileBlob: new Blob([data as Uint8Array<ArrayBuffer>]) }, '/f'),
    ).resolves.toEqual(data)
    await expect(downloadedBytes({}, '/f')).rejects.toThrow(/no file content/)
  })
})
