/**
 * The platform fallbacks (fflate, @noble/hashes) stay out of a browser app's
 * bundle: bundled for the browser with code splitting, an app importing
 * `SyncEngine` and `IdbLocalStore` reaches them only through a dynamic
 * import, so a browser with CompressionStream and crypto.subtle never loads
 * them. Prints the gzipped sizes.
 */
import { gzipSync } from 'node:zlib'
import { build, type Metafile } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { upFront } from '../bench/scenarios/bundle-size.ts'

const FALLBACKS = /node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?(fflate|@noble\/hashes)\//

describe('the browser bundle', () => {
  it('loads the platform fallbacks only on demand', async () => {
    const result = await build({
      stdin: {
        contents: "export { SyncEngine, IdbLocalStore } from '@y-dropbox/core'",
        resolveDir: import.meta.dirname,
        loader: 'ts',
      },
      bundle: true,
      conditions: ['source'],
      splitting: true,
      format: 'esm',
      platform: 'browser',
      minify: true,
      write: false,
      outdir: 'out',
      metafile: true,
      logLevel: 'silent',
    })
    const metafile = result.metafile as Metafile
    const gzip = new Map(
      result.outputFiles.map((f) => [f.path.replace(/.*\/out\//, 'out/'), gzipSync(f.contents).length]),
    )
    const eager = upFront(metafile)
    const eagerInputs = [...eager].flatMap((path) => Object.keys(metafile.outputs[path]!.inputs))
    expect(eagerInputs.some((input) => input.includes('src/engine/sync-engine.ts'))).toBe(true)
    expect(eagerInputs.filter((input) => FALLBACKS.test(input))).toEqual([])
    const lazy = Object.keys(metafile.outputs).filter((path) => !eager.has(path))
    const lazyInputs = lazy.flatMap((path) => Object.keys(metafile.outputs[path]!.inputs))
    expect(lazyInputs.some((input) => /fflate/.test(input))).toBe(true)
    expect(lazyInputs.some((input) => /@noble\/hashes/.test(input))).toBe(true)
    const kb = (paths: string[]) => (paths.reduce((sum, p) => sum + gzip.get(p)!, 0) / 1024).toFixed(1)
    console.log(
      `bundle (SyncEngine + IdbLocalStore, minified + gzip): ${kb([...eager])} KB loaded up front; ` +
        `fallbacks on demand: ${lazy.map((p) => `${Object.keys(metafile.outputs[p]!.inputs).some((i) => /fflate/.test(i)) ? 'fflate' : '@noble/hashes'} ${kb([p])} KB`).join(', ')}`,
    )
  })
})
