/**
 * `y-dropbox repair`: the remedies for what `verify` finds, each explained and
 * confirmed (unless `--yes`); no file is deleted before its copy under
 * `<root>/recovered/` reads back the same. Verifies again at the end.
 */
import { type RepairAction, repairPool, verifyPool } from '@y-dropbox/core'
import type { Command } from 'commander'
import { CliError, OK, PROBLEM } from '../errors.ts'
import { printJson, withPool } from '../pool-command.ts'
import { askYesNo, interactive } from '../prompt.ts'
import { type SourceOptions, withSource } from '../source.ts'
import { describeReport } from './verify.ts'

interface RepairCliOptions extends SourceOptions {
  yes?: boolean
  freshMaster?: boolean
}

export function repairCommand(program: Command, done: (code: number) => void): void {
  withSource(
    program
      .command('repair')
      .description(
        'Put right what verify finds: move damaged files to <root>/recovered/, rebuild a snapshot from what is readable, or (--fresh-master) start a new epoch from the merged view; each step is confirmed',
      ),
  )
    .option('-y, --yes', 'apply every remedy without asking')
    .option('--fresh-master', 'also offer a fresh master: a new epoch every device is asked to download')
    .action(async (options: RepairCliOptions) => {
      if (!options.yes && !interactive()) {
        throw new CliError('repair asks before each change: run it in a terminal, or pass --yes')
      }
      const outcome = await withPool(options, async ({ source, root, passphrase, progress }) => {
        if (!source.writable) {
          throw new CliError(
            `repair changes the pool, and ${source.label} is a read-only copy; repair through Dropbox`,
          )
        }
        const read = { root, passphrase, ...(progress.onProgress ? { onProgress: progress.onProgress } : {}) }
        const result = await repairPool(source.store, {
          ...read,
          freshMaster: Boolean(options.freshMaster),
          confirm: async (action) => {
            progress.stop()
            if (!options.json) process.stderr.write(describeAction(action))
            return options.yes ? true : askYesNo('Apply this remedy?')
          },
        })
        const after = result.done.length > 0 ? await verifyPool(source.store, read) : result.before
        return { result, after }
      })
      const { result, after } = outcome
      if (options.json)
        printJson({ done: result.done, skipped: result.skipped, before: result.before, after })
      else {
        if (result.before.ok) process.stdout.write('Verify finds no problem: nothing to repair.\n')
        for (const action of result.done) {
          process.stdout.write(`Done: ${action.description}\n`)
          for (const path of action.result) process.stdout.write(`  ${path}\n`)
        }
        for (const action of result.skipped) process.stdout.write(`Skipped: ${action.description}\n`)
        if (result.done.length > 0) process.stdout.write(`\nVerify after repair:\n${describeReport(after)}`)
      }
      done(after.ok ? OK : PROBLEM)
    })
}

function describeAction(action: RepairAction): string {
  const files = action.paths.map((p) => `    ${p}\n`).join('')
  return `\nRemedy (${action.remedy}): ${action.description}.\n  Means: ${action.meaning}.\n${files ? `  Files:\n${files}` : ''}`
}
