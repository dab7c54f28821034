/**
 * files/download_zip through the official SDK (`filesDownloadZip`), pinned to the Dropbox
 * documentation: https://www.dropbox.com/developers/documentation/http/documentation#files-download_zip
 * ("The folder must be less than 20 GB in size and any single file within must be less than
 * 4 GB in size. The resulting zip must have fewer than 10,000 total file and folder entries,
 * including the top level folder. The input cannot be a single file.")
 */
import type { Dropbox } from 'dropbox'
import { unzipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { DROPBOX_ZIP_LIMITS, type EmulatorOptions } from '../src/index.ts'
import { bytes, connected, expectRouteError } from './helpers.ts'

/** The zip's bytes and the result's metadata, whichever SDK build answered (fileBinary or fileBlob). */
async function downloadZip(dbx: Dropbox, path: string): Promise<{ zip: Uint8Array; metadata: unknown }> {
  const { result } = await dbx.filesDownloadZip({ path })
  const r = result as unknown as { metadata: unknown; fileBinary?: Buffer; fileBlob?: Blob }
  const zip = r.fileBlob ? new Uint8Array(await r.fileBlob.arrayBuffer()) : new Uint8Array(r.fileBinary!)
  return { zip, metadata: r.metadata }
}

async function diary(options: EmulatorOptions = {}) {
  const { em, dbx } = await connected(options)
  await dbx.filesUpload({ path: '/Diary/Log/Dev-A/0001.ydu', contents: bytes('first batch') })
  await dbx.filesUpload({ path: '/diary/log/dev-a/0002.ydu', contents: bytes('second batch') })
  await dbx.filesUpload({ path: '/diary/log/Dev-B/0001.ydu', contents: Buffer.alloc(50_000, 7) })
  await dbx.filesUpload({ path: '/diary/pool.json', contents: bytes('{}') })
  await dbx.filesUpload({ path: '/diary-sibling/other.ydu', contents: bytes('not in the zip') })
  return { em, dbx }
}

describe('files/download_zip', () => {
  it('zips the folder under its own name, with every subfolder and file as first written', async () => {
    const { dbx } = await diary()
    const { zip, metadata } = await downloadZip(dbx, '/DIARY/log')
    expect(metadata).toMatchObject({ name: 'Log', path_lower: '/diary/log', path_display: '/Diary/Log' })
    expect((metadata as { id: string }).id).toMatch(/^id:/)
    const files = unzipSync(zip)
    expect(Object.keys(files).sort()).toEqual([
      'Log/',
      'Log/Dev-A/',
      'Log/Dev-A/0001.ydu',
      'Log/Dev-A/0002.ydu',
      'Log/Dev-B/',
      'Log/Dev-B/0001.ydu',
    ])
    expect(Buffer.from(files['Log/Dev-A/0002.ydu']!).toString()).toBe('second batch')
    expect(files['Log/Dev-B/0001.ydu']).toEqual(new Uint8Array(50_000).fill(7))
  })

  it('deflates file entries and sends sizes in data descriptors, as Dropbox streams its zips', async () => {
    const { dbx } = await diary()
    const { zip } = await downloadZip(dbx, '/diary/log/dev-b')
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength)
    expect(view.getUint32(0, true)).toBe(0x04034b50)
    const nameLength = view.getUint16(26, true)
    const extraLength = view.getUint16(28, true)
    expect(Buffer.from(zip.subarray(30, 30 + nameLength)).toString()).toBe('Dev-B/')
    const second = 30 + nameLength + extraLength + 16 // the folder's empty data and its descriptor
    const at = zip.indexOf(0x50, second)
    expect(view.getUint32(at, true)).toBe(0x04034b50)
    expect(view.getUint16(at + 6, true) & 0x08).toBe(0x08)
    expect(view.getUint16(at + 8, true)).toBe(8)
    expect(zip.length).toBeLessThan(50_000)
  })

  it('answers path/not_found for a missing folder and path/not_folder for a file', async () => {
    const { dbx } = await diary()
    await expectRouteError(dbx.filesDownloadZip({ path: '/nowhere' }), 'path/not_found/')
    await expectRouteError(dbx.filesDownloadZip({ path: '/diary/pool.json' }), 'path/not_folder/')
  })

  it('answers too_many_files when files and folders, the folder included, reach the entry limit', async () => {
    expect(DROPBOX_ZIP_LIMITS).toEqual({ maxBytes: 20e9, maxFileBytes: 4e9, maxEntries: 10_000 })
    // /diary/log holds 3 files and 3 folders (log, dev-a, dev-b): 6 entries.
    const { dbx } = await diary({ zipLimits: { maxEntries: 6 } })
    const error = await expectRouteError(dbx.filesDownloadZip({ path: '/diary/log' }), 'too_many_files/')
    expect(error).toEqual({ '.tag': 'too_many_files' })
    await downloadZip(dbx, '/diary/log/dev-a')
  })

  it('answers too_large for a folder or a file at the size limits', async () => {
    const { dbx } = await diary({ zipLimits: { maxBytes: 50_023 } })
    const error = await expectRouteError(dbx.filesDownloadZip({ path: '/diary/log' }), 'too_large/')
    expect(error).toEqual({ '.tag': 'too_large' })
    const { dbx: other } = await diary({ zipLimits: { maxFileBytes: 50_000 } })
    await expectRouteError(other.filesDownloadZip({ path: '/diary/log' }), 'too_large/')
    await downloadZip(other, '/diary/log/dev-a')
  })

  it('is counted as its own route, with the zip as response bytes', async () => {
    const { em, dbx } = await diary()
    const { zip } = await downloadZip(dbx, '/diary')
    expect(em.stats().routes['files/download_zip']).toMatchObject({ requests: 1, bytesOut: zip.length })
  })
})
