#!/usr/bin/env node
// Runs the emulator's TypeScript source through tsx (no build step), then its command line.
import { tsImport } from 'tsx/esm/api'

const { main } = await tsImport('../src/cli.ts', import.meta.url)
try {
  await main(process.argv.slice(2))
} catch (error) {
  process.stderr.write(`y-dropbox-emulator: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
}
