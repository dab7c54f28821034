/**
 * `getFolder` over the emulator: one `files/download_zip` for a whole folder,
 * and single downloads when Dropbox refuses the zip or its content does not
 * match the listing.
 */
import type { BlobMeta } from '@y-dropbox/core'
import type { Emulator } from '@y-dropbox/dropbox-emulator'
import { afterEach, describe, expect, it } from 'vitest'
import { emulatorStore, startTestEmulator } from './helpers/emulator.ts'

const running: Emulator[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()))
})

/** An emulator holding 12 log files of two devices, plus a file beside the folder. */
async function pool(options: Parameters<typeof startTestEmulator>[0] = {}) {
  const emulator = await startTestEmulator(options)
  running.push(emulator)
  const { store } = await emulatorStore(emulator)
  const files = Array.from({ length: 12 }, (_, i) => ({
    path: `/Pool/log/${i % 2 ? 'dev-b' : 'Dev-A'}/${String(i).padStart(4, '0')}.ydu`,
    data: new Uint8Array(1000 + i).map((_, j) => (i * 17 + j) & 0xff),
    mode: 'add' as const,
  }))
  await store.putMany(files)
  await store.put('/pool/pool.json', new TextEncoder().encode('{}'), 'add')
  const { entries } = await store.list('/pool/log')
  const listed = [...entries].sort((a, b) => (a.path < b.path ? -1 : 1))
  return { emulator, store, listed }
}

const routeCalls = (emulator: Emulator, route: string) => emulator.stats().routes[route]?.requests ?? 0

describe('DropboxBlobStore.getFolder', () => {
  it('reads every listed file of a folder with one files/download_zip', async () => {
    const { emulator, store, listed } = await pool()
    const got = await store.getFolder('/pool/log', listed)
    expect(routeCalls(emulator, 'files/download_zip')).toBe(1)
    expect(routeCalls(emulator, 'files/download')).toBe(0)
    for (const [i, meta] of listed.entries()) {
      expect(got[i]?.meta).toEqual(meta)
      expect(got[i]?.data).toEqual((await store.get(meta.path))?.data)
    }
  })

  it('downloads files one by one when Dropbox refuses the zip (too many files)', async () => {
    // 12 files and 3 folders (log, dev-a, dev-b) reach a limit of 15 entries.
    const { emulator, store, listed } = await pool({ zipLimits: { maxEntries: 15 } })
    const got = await store.getFolder('/pool/log', listed)
    expect(emulator.stats().routes['files/download_zip']?.statuses).toEqual({ '409': 1 })
    expect(routeCalls(emulator, 'files/download')).toBe(12)
    expect(got.map((g) => g?.meta)).toEqual(listed)
  })

  it('reads on its own a file whose zipped bytes do not match the listing, and one changed since', async () => {
    const { emulator, store, listed } = await pool()
    const stale: BlobMeta[] = listed.map((meta, i) =>
      i === 3 ? { ...meta, contentHash: '0'.repeat(64) } : meta,
    )
    const changed = await store.put(listed[5]!.path, new Uint8Array([1, 2, 3]), 'overwrite')
    const got = await store.getFolder('/pool/log', stale)
    expect(routeCalls(emulator, 'files/download')).toBe(2)
    expect(got[3]?.meta).toEqual(listed[3])
    expect(got[5]).toEqual({ data: new Uint8Array([1, 2, 3]), meta: changed })
  })

  it('downloads files one by one when the zip is damaged in transit', async () => {
    const emulator = await startTestEmulator()
    running.push(emulator)
    const damaging: typeof fetch = async (input, init) => {
      const response = await fetch(input, init)
      if (!String(input).endsWith('/2/files/download_zip')) return response
      const body = new Uint8Array(await response.arrayBuffer())
      // The end-of-central-directory record goes: the zip cannot be opened.
      body.fill(0, body.length - 22)
      return new Response(body, { status: response.status, headers: response.headers })
    }
    const { store } = await emulatorStore(emulator, { fetch: damaging })
    const data = Array.from({ length: 3 }, (_, i) => new Uint8Array(100).fill(i))
    const metas = await Promise.all(data.map((d, i) => store.put(`/pool/log/d/${i}.ydu`, d, 'add')))
    const got = await store.getFolder('/pool/log', metas)
    expect(routeCalls(emulator, 'files/download')).toBe(3)
    expect(got.map((g) => g?.data)).toEqual(data)
  })
})
