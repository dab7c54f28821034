/**
 * The profiled bootstrap, run by `profile.ts` in a child process under
 * `node --cpu-prof`: a new device joins the pool described by the
 * `BENCH_BOOTSTRAP` environment variable (emulator URL, pool root, tokens).
 */
import { createDropboxBlobStore, MemoryTokenStore } from '@y-dropbox/dropbox-provider'
import { APP_KEY } from './remote.ts'
import { joinPool } from './scenarios/bootstrap.ts'

interface Spec {
  url: string
  root: string
  tokens: { accessToken: string; refreshToken: string; expiresIn: number }
}

const raw = process.env.BENCH_BOOTSTRAP
if (!raw) throw new Error('profile-bootstrap.ts is run by bench/profile.ts; run `pnpm bench` instead')
const spec = JSON.parse(raw) as Spec
const store = await createDropboxBlobStore({
  appKey: APP_KEY,
  emulatorUrl: spec.url,
  tokenStore: new MemoryTokenStore({
    accessToken: spec.tokens.accessToken,
    refreshToken: spec.tokens.refreshToken,
    accessTokenExpiresAt: Date.now() + spec.tokens.expiresIn * 1000,
  }),
})
// The profile's clock is process.hrtime's, in microseconds: report the window to summarise.
const fromUs = Number(process.hrtime.bigint() / 1000n)
const { engine } = await joinPool(store, spec.root)
const toUs = Number(process.hrtime.bigint() / 1000n)
process.stdout.write(`${JSON.stringify({ fromUs, toUs, listed: engine.list().length })}\n`)
await engine.close()
