/**
 * `y-dropbox export`: every entry as it is now, built from the pool alone:
 * JSON of the Yjs documents, CSV of their top-level fields, or the raw Yjs
 * updates (one file per entry) for another Yjs app.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { docToJson, type PoolDocument, readPoolDocuments } from '@y-dropbox/core'
import type { Command } from 'commander'
import { stringify } from 'csv-stringify/sync'
import { CliError, OK, PROBLEM } from '../errors.ts'
import { count } from '../format.ts'
import { printJson, withPool } from '../pool-command.ts'
import { type SourceOptions, withSource } from '../source.ts'

type Format = 'json' | 'csv' | 'ydoc'

interface ExportOptions extends SourceOptions {
  out: string
  format?: string
  includeDeleted?: boolean
}

export function exportCommand(program: Command, done: (code: number) => void): void {
  withSource(
    program
      .command('export')
      .description(
        'Write every entry as it is now, built from the pool alone: JSON of the documents, CSV of their top-level fields, or raw Yjs updates (a folder, one <id>.ydoc per entry)',
      ),
  )
    .requiredOption('-o, --out <path>', 'the file to write (a folder for --format ydoc; - for stdout)')
    .option('-f, --format <format>', 'json, csv or ydoc (default: from the file name, else json)')
    .option('--include-deleted', 'include deleted entries (left out by default)')
    .action(async (options: ExportOptions) => {
      const format = pickFormat(options)
      const result = await withPool(options, ({ source, root, passphrase, progress }) =>
        readPoolDocuments(source.store, {
          root,
          passphrase,
          ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
        }),
      )
      const docs = result.docs.filter((d) => options.includeDeleted || !d.deleted)
      if (format === 'ydoc') await writeYdocs(options.out, docs)
      else
        await output(options.out, format === 'csv' ? toCsv(docs) : toJson(result.poolId, result.epoch, docs))
      const summary = {
        out: options.out,
        format,
        entries: docs.length,
        leftOut: result.docs.length - docs.length,
        problems: result.problems,
      }
      if (options.json && options.out !== '-') printJson(summary)
      else if (options.out !== '-') {
        process.stdout.write(
          `Wrote ${count(docs.length)} entries to ${options.out} (${format})${summary.leftOut ? `; ${count(summary.leftOut)} deleted left out` : ''}.\n`,
        )
      }
      for (const p of result.problems)
        process.stderr.write(`warning: ${p.path}: ${p.message} (${p.meaning})\n`)
      if (result.problems.length > 0) {
        process.stderr.write(
          `The export leaves out what the ${result.problems.length} file(s) above held; run \`y-dropbox verify\`.\n`,
        )
      }
      done(result.problems.length > 0 ? PROBLEM : OK)
    })
}

function pickFormat(options: ExportOptions): Format {
  const format = options.format ?? (/\.csv$/i.test(options.out) ? 'csv' : 'json')
  if (format !== 'json' && format !== 'csv' && format !== 'ydoc') {
    throw new CliError(`--format must be json, csv or ydoc, not "${format}"`)
  }
  if (format === 'ydoc' && options.out === '-')
    throw new CliError('--format ydoc writes a folder: give --out <dir>')
  return format
}

/** The JSON export: pool, epoch, and each entry with its content. */
export function toJson(poolId: string, epoch: string, docs: PoolDocument[]): string {
  const entries = docs.map((d) => ({
    id: d.id,
    updatedAt: new Date(d.updatedAt).toISOString(),
    deleted: d.deleted,
    ...(d.summary === undefined ? {} : { summary: d.summary }),
    content: docToJson(d.update),
  }))
  return `${JSON.stringify({ format: 'y-dropbox-export', version: 1, poolId, epoch, entries }, null, 2)}\n`
}

/**
 * The CSV export: id, updatedAt, deleted, then the top-level fields: a map of scalars becomes one
 * column per key (`fields.pain`), a map whose values are all `true` (a set) one column listing its
 * keys, a text one column, anything else one column of JSON (a map of objects: its values).
 */
export function toCsv(docs: PoolDocument[]): string {
  const contents = docs.map((d) => docToJson(d.update))
  const shape = new Map<string, 'fields' | 'set' | 'json'>()
  for (const content of contents) {
    for (const [name, value] of Object.entries(content)) {
      const seen = shape.get(name)
      const now = shapeOf(value)
      if (now !== undefined) shape.set(name, seen === undefined || seen === now ? now : 'json')
    }
  }
  const rows = docs.map((d, i) => {
    const row: Record<string, string> = {
      id: d.id,
      updatedAt: new Date(d.updatedAt).toISOString(),
      deleted: String(d.deleted),
    }
    for (const [name, value] of Object.entries(contents[i]!)) {
      const kind = shape.get(name)
      if (kind === 'fields') {
        for (const [key, inner] of Object.entries(value as object)) row[`${name}.${key}`] = cell(inner)
      } else if (kind === 'set') row[name] = Object.keys(value as object).join('; ')
      else if (isMap(value)) row[name] = cell(Object.values(value))
      else row[name] = cell(value)
    }
    return row
  })
  const columns = ['id', 'updatedAt', 'deleted']
  const extra = new Set<string>()
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) extra.add(key)
  return stringify(rows, { header: true, columns: [...columns, ...[...extra].sort()] })
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** How a top-level value goes into CSV columns; undefined for an empty map (fits any). */
function shapeOf(value: unknown): 'fields' | 'set' | 'json' | undefined {
  if (!isMap(value)) return 'json'
  const values = Object.values(value)
  if (values.length === 0) return undefined
  if (values.every((v) => v === true)) return 'set'
  return values.every((v) => v === null || typeof v !== 'object') ? 'fields' : 'json'
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return ''
  return typeof value === 'string' ? value : JSON.stringify(value)
}

async function writeYdocs(dir: string, docs: PoolDocument[]): Promise<void> {
  await mkdir(dir, { recursive: true })
  const index = docs.map((d) => ({
    id: d.id,
    file: `${encodeURIComponent(d.id)}.ydoc`,
    deleted: d.deleted,
    updatedAt: new Date(d.updatedAt).toISOString(),
  }))
  for (const [i, d] of docs.entries()) await writeFile(join(dir, index[i]!.file), d.update)
  await output(
    join(dir, 'index.json'),
    `${JSON.stringify({ format: 'y-dropbox-ydoc-export', version: 1, entries: index }, null, 2)}\n`,
  )
}

/** Writes to stdout (`-`) or to a file through a temporary name, so a half-written export never replaces one. */
async function output(out: string, text: string): Promise<void> {
  if (out === '-') {
    process.stdout.write(text)
    return
  }
  const temp = `${out}.${process.pid}.tmp`
  await writeFile(temp, text)
  await rename(temp, out)
}
