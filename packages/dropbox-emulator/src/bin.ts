/**
 * The `y-dropbox-emulator` command (compiled to `dist/bin.js`, which the package's
 * `bin/y-dropbox-emulator.js` imports): runs the command line and turns a failure into a one-line
 * message and exit code 1.
 */
import { main } from './cli.ts'

try {
  await main(process.argv.slice(2))
} catch (error) {
  process.stderr.write(`y-dropbox-emulator: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
}
