/**
 * The `y-dropbox` command (compiled to `dist/bin.js`, which the package's
 * `bin/y-dropbox.js` imports): runs the command line with the process's
 * arguments and exits with its code.
 */
import { run } from './index.ts'

process.exitCode = await run(process.argv.slice(2))
