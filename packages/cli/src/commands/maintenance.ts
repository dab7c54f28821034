/** `y-dropbox compact` and `y-dropbox gc`: upkeep as a device does it, through the engine's own code. */
import { inspectPool, MIN_GC_GRACE_MS } from '@y-dropbox/core'
import type { Command } from 'commander'
import { runAsDevice } from '../device-run.ts'
import { CliError, OK, PROBLEM } from '../errors.ts'
import { count, duration } from '../format.ts'
import { printJson, withPool } from '../pool-command.ts'
import { type SourceOptions, withSource } from '../source.ts'
import { parseGrace } from './grace.ts'

interface UpkeepOptions extends SourceOptions {
  dryRun?: boolean
  grace: string
  unsafeShortGrace?: boolean
}

export function maintenanceCommands(program: Command, done: (code: number) => void): void {
  for (const verb of ['compact', 'gc'] as const) {
    const command = withSource(
      program
        .command(verb)
        .description(
          verb === 'compact'
            ? 'Fold the log batches into a new snapshot, as a device does (the engine itself runs it; no device record is written)'
            : 'Delete what no device needs any more after the grace period, as a device does (the engine itself runs it)',
        ),
    ).option('-n, --dry-run', 'list what would change, change nothing')
    if (verb === 'gc') {
      command
        .option('--grace <duration>', 'keep superseded files this long, e.g. 7d, 12h (at least 1h)', '7d')
        .option('--unsafe-short-grace', 'allow a grace period under 1 hour (only when no device is syncing)')
    }
    command.action(async (options: UpkeepOptions) => {
      const graceMs = verb === 'gc' ? parseGrace(options.grace) : 0
      if (verb === 'gc' && graceMs < MIN_GC_GRACE_MS && !options.unsafeShortGrace) {
        throw new CliError(
          `a grace period under 1 hour lets gc delete files that a device whose listing lags behind still needs; add --unsafe-short-grace if no device is syncing`,
        )
      }
      const result = await withPool(options, async ({ source, root, passphrase }) => {
        if (!source.writable && !options.dryRun) {
          throw new CliError(
            `${verb} changes the pool, and ${source.label} is a read-only copy; use --dry-run, or Dropbox`,
          )
        }
        const before = await inspectPool(source.store, { root, passphrase, gcGraceMs: graceMs })
        if (verb === 'compact' && before.compaction.files === 0) {
          return {
            verb,
            dryRun: Boolean(options.dryRun),
            done: false,
            written: [],
            deleted: [],
            skipped: [],
            reason: 'nothing to compact: every batch is in the newest snapshot',
          }
        }
        const ran = await runAsDevice(source.store, {
          root,
          passphrase,
          verb,
          dryRun: Boolean(options.dryRun),
          graceMs,
        })
        const reason = ran.done
          ? undefined
          : 'the engine declined: some files of the pool are damaged or missing (run `y-dropbox verify`)'
        return {
          verb,
          dryRun: Boolean(options.dryRun),
          ...ran,
          ...(reason ? { reason } : {}),
          before: before.compaction,
        }
      })
      if (options.json) printJson(result)
      else {
        if (result.reason) process.stdout.write(`Nothing done: ${result.reason}.\n`)
        if (verb === 'compact' && result.done) {
          process.stdout.write(
            `${result.dryRun ? 'Would write' : 'Wrote'} a snapshot (${result.written.length} file(s)):\n`,
          )
        }
        if (verb === 'gc') {
          process.stdout.write(
            `${result.dryRun ? 'Would delete' : 'Deleted'} ${count(result.deleted.length)} file(s) no device needs (grace period ${duration(graceMs)})${result.deleted.length ? ':' : '.'}\n`,
          )
        }
        for (const path of [...result.written, ...result.deleted]) process.stdout.write(`  ${path}\n`)
        for (const path of result.skipped) process.stdout.write(`Skipped a damaged file: ${path}\n`)
      }
      done(
        result.reason &&
          verb === 'compact' &&
          result.written.length === 0 &&
          !/nothing to compact/.test(result.reason)
          ? PROBLEM
          : OK,
      )
    })
  }
}
