/**
 * The many-device property on a runtime without CompressionStream,
 * Blob.prototype.stream and crypto (React Native, older Safari, plain http):
 * every file is written and read through the built-in fallbacks (fflate,
 * @noble/hashes), so they are held to the same convergence and durability
 * promises as the native implementations. Fewer runs than the main suite.
 */
import { hideWebPlatform } from '@y-dropbox/testing'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { command, run } from './model.ts'

const RUNS = Number(process.env.PROPERTY_RUNS ?? (process.env.SOAK ? 1000 : 60))

const restore = hideWebPlatform()
afterAll(restore)

describe('many devices on a runtime without CompressionStream, Blob.stream or crypto', () => {
  it(`converge and keep every flushed edit (${RUNS} runs)`, async () => {
    expect(globalThis.crypto).toBeUndefined()
    expect(typeof CompressionStream).toBe('undefined')
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc
          .integer({ min: 2, max: 6 })
          .chain((n) =>
            fc.tuple(fc.constant(n), fc.array(command(n), { minLength: 5, maxLength: 60, size: 'max' })),
          ),
        async (seed, [devices, commands]) => run(seed, devices, commands),
      ),
      { numRuns: RUNS },
    )
  })
})
