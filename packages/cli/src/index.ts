/**
 * @packageDocumentation
 * `y-dropbox`: a command line to look into a y-dropbox sync pool (Dropbox, the
 * emulator, or a plain local copy of the app folder): link, status, verify,
 * export, compact, gc and repair. Exit codes: 0 fine, 1 a problem found in
 * the pool, 2 a usage or access error.
 */
import { Command, CommanderError } from 'commander'
import { exportCommand } from './commands/export.ts'
import { linkCommand } from './commands/link.ts'
import { maintenanceCommands } from './commands/maintenance.ts'
import { repairCommand } from './commands/repair.ts'
import { statusCommand } from './commands/status.ts'
import { verifyCommand } from './commands/verify.ts'
import { describeError, OK, USAGE } from './errors.ts'

const EPILOG = `
Where the pool is: --folder <dir> (a plain local copy of the app folder, read-only),
--emulator <url> with --app-key and --refresh-token, or Dropbox after \`y-dropbox link\`.
Exit codes: 0 fine, 1 a problem found in the pool, 2 a usage or access error.`

/** Runs the command line with `argv` (without node and the script); resolves the exit code. */
export async function run(argv: string[]): Promise<number> {
  let code = OK
  const done = (c: number) => {
    code = c
  }
  const program = new Command('y-dropbox')
    .description(
      'Look into a y-dropbox sync pool: is it complete and undamaged, who is in it, and what does it hold',
    )
    .version('0.1.0')
    .addHelpText('after', EPILOG)
    .showHelpAfterError('(add --help for the options)')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
  linkCommand(program, done)
  statusCommand(program, done)
  verifyCommand(program, done)
  exportCommand(program, done)
  maintenanceCommands(program, done)
  repairCommand(program, done)
  for (const command of program.commands) command.exitOverride().addHelpText('after', EPILOG)
  try {
    if (argv.length === 0) {
      program.outputHelp()
      return USAGE
    }
    await program.parseAsync(argv, { from: 'user' })
    return code
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? OK : USAGE
    }
    const { code: exit, message } = describeError(error)
    process.stderr.write(`y-dropbox: ${message}\n`)
    return exit
  }
}
