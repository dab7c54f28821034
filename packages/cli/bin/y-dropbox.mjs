#!/usr/bin/env node
// Runs the command line's TypeScript source through tsx (no build step yet).
import { tsImport } from 'tsx/esm/api'

const { run } = await tsImport('../src/main.ts', import.meta.url)
process.exitCode = await run(process.argv.slice(2))
