/** `y-dropbox verify`: download every file and check it as a device does. */
import { type VerifyReport, verifyPool } from '@y-dropbox/core'
import type { Command } from 'commander'
import { OK, PROBLEM } from '../errors.ts'
import { bytes, count } from '../format.ts'
import { printJson, withPool } from '../pool-command.ts'
import { type SourceOptions, withSource } from '../source.ts'

export function verifyCommand(program: Command, done: (code: number) => void): void {
  withSource(
    program
      .command('verify')
      .description(
        'Download every file of the pool and check it as a device does (size, content hash, magic, version, checksum or AEAD tag, identity against the path, snapshot coverage); exit 1 if anything is damaged or missing',
      ),
  ).action(async (options: SourceOptions) => {
    const report = await withPool(options, ({ source, root, passphrase, progress }) =>
      verifyPool(source.store, {
        root,
        passphrase,
        ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
      }),
    )
    if (options.json) printJson(report)
    else process.stdout.write(describeReport(report))
    done(report.ok ? OK : PROBLEM)
  })
}

/** The report as text. */
export function describeReport(r: VerifyReport): string {
  const lines = [
    `Checked ${count(r.checked.files)} files (${bytes(r.checked.bytes)}) of pool ${r.root} (epoch ${r.epoch}, ${r.encrypted ? 'encrypted' : 'not encrypted'}): ${count(r.entries)} entries.`,
  ]
  const errors = r.problems.filter((p) => p.severity === 'error')
  const warnings = r.problems.filter((p) => p.severity === 'warning')
  if (r.problems.length === 0) lines.push('No problems found.')
  for (const p of [...errors, ...warnings]) {
    lines.push(
      '',
      `${p.severity === 'error' ? 'ERROR' : 'warning'}  ${p.kind}  ${p.path}`,
      `  ${p.message}`,
      `  means: ${p.meaning}`,
    )
    if (p.remedies.length > 0) lines.push(`  repair: ${p.remedies.join(', ')}`)
  }
  if (r.lost.length > 0) {
    lines.push('', `Not in any readable file of the pool (devices that applied them keep them):`)
    for (const path of r.lost) lines.push(`  ${path}`)
  }
  if (errors.length > 0) {
    lines.push(
      '',
      `${errors.length} problem(s), ${warnings.length} warning(s). \`y-dropbox repair\` puts right what can be.`,
    )
  } else if (warnings.length > 0) lines.push('', `No damage; ${warnings.length} warning(s).`)
  return `${lines.join('\n')}\n`
}
