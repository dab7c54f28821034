/**
 * The QA page's look into the emulated Dropbox: the pool's status and a full
 * verify, with the same core functions the `y-dropbox` command line uses
 * (`inspectPool`, `verifyPool`). Tokens come from the emulator's admin
 * endpoint; an encrypted pool asks for its passphrase, kept in this view only.
 */
import {
  type BlobStore,
  inspectPool,
  PassphraseError,
  type PoolStatus,
  type VerifyReport,
  verifyPool,
} from '@y-dropbox/core'
import { createDropboxBlobStore } from '@y-dropbox/dropbox-provider'
import { useState } from 'preact/hooks'
import { EMULATOR_APP_KEY } from '../cloud/dropbox-link.ts'
import { POOL_ROOT } from '../device/pool-root.ts'

type Health =
  | { state: 'idle' | 'checking' }
  | { state: 'passphrase'; message: string }
  | { state: 'done'; status: PoolStatus; report: VerifyReport }
  | { state: 'failed'; message: string }

/** A store on the emulator with tokens it issues for this page. */
async function emulatorStore(): Promise<BlobStore> {
  const res = await fetch('/__emulator/tokens', { method: 'POST' })
  if (!res.ok) throw new Error(`The emulator answered ${res.status} when asked for tokens`)
  const { refreshToken } = (await res.json()) as { refreshToken: string }
  const emulatorUrl = import.meta.env.VITE_EMULATOR_URL || 'http://127.0.0.1:8787'
  return createDropboxBlobStore({ appKey: EMULATOR_APP_KEY, refreshToken, emulatorUrl, clientTag: 'qa-page' })
}

/** Status and verify of the pool, on demand. */
export function PoolHealth() {
  const [health, setHealth] = useState<Health>({ state: 'idle' })
  const [passphrase, setPassphrase] = useState('')
  const [done, setDone] = useState({ done: 0, total: 0 })
  const check = async () => {
    setHealth({ state: 'checking' })
    try {
      const store = await emulatorStore()
      const options = {
        root: POOL_ROOT,
        ...(passphrase ? { passphrase } : {}),
        onProgress: ({ done, total }: { done: number; total: number }) => setDone({ done, total }),
      }
      const status = await inspectPool(store, options)
      const report = await verifyPool(store, options)
      setHealth({ state: 'done', status, report })
    } catch (error) {
      const message = error instanceof Error ? error.message.replace(/^y-dropbox: /, '') : String(error)
      setHealth(
        error instanceof PassphraseError ? { state: 'passphrase', message } : { state: 'failed', message },
      )
    }
  }
  return (
    <section class="qa-health" data-testid="pool-health" aria-live="polite">
      <button type="button" onClick={() => void check()} disabled={health.state === 'checking'}>
        Check pool
      </button>
      {health.state === 'checking' && (
        <span>
          Checking {POOL_ROOT}… {done.total > 0 ? `${done.done}/${done.total}` : ''}
        </span>
      )}
      {health.state === 'failed' && <span class="qa-health-bad">{health.message}</span>}
      {health.state === 'passphrase' && (
        <form
          onSubmit={(event) => {
            event.preventDefault()
            void check()
          }}
        >
          <span class="qa-health-bad">{health.message}</span>{' '}
          <input
            type="password"
            aria-label="Passphrase of the pool"
            value={passphrase}
            onInput={(e) => setPassphrase(e.currentTarget.value)}
          />{' '}
          <button type="submit">Unlock</button>
        </form>
      )}
      {health.state === 'done' && <HealthSummary status={health.status} report={health.report} />}
    </section>
  )
}

function HealthSummary({ status, report }: { status: PoolStatus; report: VerifyReport }) {
  const errors = report.problems.filter((p) => p.severity === 'error')
  return (
    <div>
      <span data-testid="pool-summary">
        {status.root} · {status.encrypted ? 'encrypted' : 'not encrypted'} ·{' '}
        {plural(status.devices.length, 'device')} ·{' '}
        {plural(status.entries.total - status.entries.deleted, 'entry', 'entries')} ·{' '}
        {plural(report.checked.files, 'file')} checked ·{' '}
      </span>
      <b class={errors.length ? 'qa-health-bad' : 'qa-health-good'} data-testid="pool-verdict">
        {errors.length === 0 ? 'no problems' : `${errors.length} problems`}
      </b>
      <ul>
        {status.devices.map((d) => (
          <li key={d.deviceId}>
            {d.name || '(no record)'}: last seen{' '}
            {d.lastSeen ? new Date(d.lastSeen).toLocaleString() : 'unknown'}, last batch {d.lastSeq}
          </li>
        ))}
        {report.problems.map((p) => (
          <li key={p.path} class={p.severity === 'error' ? 'qa-health-bad' : ''}>
            {p.kind} {p.path}: {p.message} ({p.meaning})
          </li>
        ))}
      </ul>
    </div>
  )
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}
