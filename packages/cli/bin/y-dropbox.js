#!/usr/bin/env node
import { spawnSync } from 'node:child_process'
// The installed command: runs the compiled command line (dist/bin.js, built from src/bin.ts).
// Inside the y-dropbox repository, before a build, it runs the sources instead.
import { existsSync } from 'node:fs'

const compiled = new URL('../dist/bin.js', import.meta.url)
if (existsSync(compiled)) {
  await import(compiled.href)
} else {
  const source = new URL('../src/bin.ts', import.meta.url)
  if (!existsSync(source)) {
    process.stderr.write(
      'y-dropbox: this installation has no compiled command (dist/bin.js); reinstall @y-dropbox/cli\n',
    )
    process.exit(2)
  }
  const flags = ['--conditions=source', '--import', 'tsx', source.pathname, ...process.argv.slice(2)]
  const child = spawnSync(process.execPath, flags, { stdio: 'inherit' })
  process.exit(child.status ?? 1)
}
