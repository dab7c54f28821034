/** `y-dropbox status`: what the pool is and holds. */
import { inspectPool, type PoolStatus } from '@y-dropbox/core'
import type { Command } from 'commander'
import { OK, PROBLEM } from '../errors.ts'
import { bytes, count, duration, table, time } from '../format.ts'
import { printJson, withPool } from '../pool-command.ts'
import { type SourceOptions, withSource } from '../source.ts'
import { parseGrace } from './grace.ts'

export function statusCommand(program: Command, done: (code: number) => void): void {
  withSource(
    program
      .command('status')
      .description(
        'Show the pool: id, epoch, encryption, devices, entries, files and bytes by kind, and what compaction and GC would reclaim',
      ),
  )
    .option(
      '--grace <duration>',
      'grace period of the GC estimate, e.g. 7d, 12h, 0 (default 7d, as devices)',
      '7d',
    )
    .action(async (options: SourceOptions & { grace: string }) => {
      const status = await withPool(options, ({ source, root, passphrase, progress }) =>
        inspectPool(source.store, {
          root,
          passphrase,
          gcGraceMs: parseGrace(options.grace),
          ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
        }),
      )
      if (options.json) printJson(status)
      else process.stdout.write(describeStatus(status))
      done(status.problems.some((p) => p.severity === 'error') ? PROBLEM : OK)
    })
}

/** The status as text. */
export function describeStatus(s: PoolStatus): string {
  const lines: string[] = []
  lines.push(
    table(
      [
        ['Pool', `${s.root}  (id ${s.poolId}, ${s.encrypted ? 'encrypted' : 'not encrypted'})`],
        ['Created', `${time(s.createdAt)}${s.createdBy ? ` by ${s.createdBy}` : ''}`],
        [
          'Epoch',
          `${s.epoch}, begun ${time(s.epochAt)}${s.epochBy ? ` by ${s.epochBy}` : ''} (master uploads: ${s.generation})`,
        ],
        ['Entries', `${count(s.entries.total)} (${count(s.entries.deleted)} deleted)`],
      ],
      '',
    ),
  )
  lines.push('', `Devices (${s.devices.length})`)
  lines.push(
    table([
      ['NAME', 'ID', 'LAST SEEN', 'LAST BATCH', 'PLATFORM'],
      ...s.devices.map((d) => [
        d.hasRecord ? d.name || '(no name)' : '(no record)',
        d.deviceId,
        time(d.lastSeen),
        String(d.lastSeq),
        d.platform || '-',
      ]),
    ]),
  )
  const f = s.files
  lines.push('', 'Files')
  lines.push(
    table([
      ['pool.json', count(f.pool.files), bytes(f.pool.bytes)],
      ['device records', count(f.devices.files), bytes(f.devices.bytes)],
      ['log batches', count(f.logs.files), bytes(f.logs.bytes)],
      ['snapshot manifests', count(f.snapshots.files), bytes(f.snapshots.bytes)],
      ['snapshot shards', count(f.shards.files), bytes(f.shards.bytes)],
      ['older epochs', count(f.oldEpochs.files), bytes(f.oldEpochs.bytes)],
      ['recovered/', count(f.recovered.files), bytes(f.recovered.bytes)],
      ['other', count(f.other.files), bytes(f.other.bytes)],
    ]),
  )
  lines.push('')
  if (s.snapshot) {
    lines.push(
      `Snapshot     ${s.snapshot.name}: ${s.snapshot.shards} shard(s), ${bytes(s.snapshot.bytes)}, made ${time(s.snapshot.createdAt)}`,
    )
  } else lines.push('Snapshot     none readable (run `y-dropbox verify`)')
  lines.push(
    `Compaction   would fold ${count(s.compaction.files)} batch(es) (${bytes(s.compaction.bytes)}) into a snapshot`,
    `GC           would delete ${count(s.gc.files)} file(s) (${bytes(s.gc.bytes)}) with a grace period of ${duration(s.gc.graceMs)}`,
  )
  const errors = s.problems.filter((p) => p.severity === 'error').length
  if (errors > 0)
    lines.push('', `${errors} problem(s) met while reading; run \`y-dropbox verify\` for details.`)
  return `${lines.join('\n')}\n`
}
