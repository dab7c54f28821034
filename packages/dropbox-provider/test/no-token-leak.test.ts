import type { Emulator } from '@y-dropbox/dropbox-emulator'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { unlink } from '../src/auth/unlink.ts'
import type { RetryInfo } from '../src/retry.ts'
import { emulatorStore, startTestEmulator } from './helpers/emulator.ts'
import { bytes, fail, ScriptedDropbox, TEST_SECRETS, testStore } from './helpers/scripted-dropbox.ts'

/** Everything an error carries that could end up in a log: message, stack, fields, causes. */
function dump(value: unknown, depth = 0): string {
  if (depth > 5 || value === null || value === undefined) return ''
  if (typeof value !== 'object') return String(value)
  const parts: string[] = []
  if (value instanceof Error)
    parts.push(value.name, value.message, value.stack ?? '', dump(value.cause, depth + 1))
  for (const [key, field] of Object.entries(value)) {
    if (field instanceof Headers) parts.push(key, JSON.stringify([...field]))
    else if (typeof field === 'object') parts.push(key, dump(field, depth + 1), safeJson(field))
    else parts.push(key, String(field))
  }
  return parts.join('\n')
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? ''
  } catch {
    return ''
  }
}

describe('tokens never appear in output or errors', () => {
  let emulator: Emulator
  beforeAll(async () => {
    emulator = await startTestEmulator()
  })
  afterAll(() => emulator.close())

  it('through faults, expiry, refresh failures and revocation', async () => {
    const consoleText: string[] = []
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        consoleText.push(args.map((a) => dump(a)).join(' '))
      }),
    )
    const secrets = new Set<string>()
    const errors: unknown[] = []
    const retries: RetryInfo[] = []
    const attempt = async (op: () => Promise<unknown>) => {
      try {
        await op()
      } catch (error) {
        errors.push(error)
      }
    }
    try {
      const { store, tokenStore, tokens } = await emulatorStore(emulator, {
        maxRetryTimeMs: 400,
        onRetry: (info) => retries.push(info),
      })
      secrets.add(tokens.accessToken).add(tokens.refreshToken)
      emulator.faults.add({ route: /^files/, fault: 'server-error', probability: 0.3 })
      emulator.faults.add({ route: /^files/, fault: 'drop', probability: 0.2 })
      for (let i = 0; i < 10; i++) await attempt(() => store.put(`/leak/${i}`, bytes(String(i)), 'add'))
      await attempt(() => store.list('/leak'))
      emulator.expireAllAccessTokens()
      await attempt(() => Promise.all(Array.from({ length: 5 }, (_, i) => store.get(`/leak/${i}`))))
      secrets.add(store.auth.getAccessToken())
      emulator.faults.clear()
      emulator.expireAllAccessTokens()
      emulator.faults.add({ route: 'oauth2/token', fault: 'drop' })
      await attempt(() => store.get('/leak/0'))
      emulator.faults.clear()
      emulator.faults.add({ route: 'files/upload', fault: 'rate-limit', retryAfterSeconds: 100 })
      await attempt(() => store.put('/leak/x', bytes('x'), 'add'))
      emulator.faults.clear()
      await attempt(() => store.get('/leak/1'))
      secrets.add(store.auth.getAccessToken())
      const auth = store.auth
      await unlink({ auth, tokenStore })
      const { store: stale } = await emulatorStore(emulator, tokens)
      await attempt(() => stale.get('/leak/0'))

      // A 400 that echoes the Authorization header, as Dropbox does for a malformed one.
      const dbx = new ScriptedDropbox().on(
        'files/upload',
        fail(
          400,
          `Error in call to API function "files/upload": Invalid authorization value in HTTP header "Authorization": "Bearer ${TEST_SECRETS.accessToken}"`,
        ),
      )
      const { store: echoing } = testStore(dbx)
      await attempt(() => echoing.put('/x', bytes('x'), 'add'))
      for (const secret of Object.values(TEST_SECRETS)) secrets.add(secret)
    } finally {
      for (const spy of spies) spy.mockRestore()
    }

    expect(errors.length).toBeGreaterThanOrEqual(4)
    expect(retries.length).toBeGreaterThan(0)
    const everything = [...consoleText, ...errors.map((e) => dump(e)), safeJson(retries)].join('\n')
    expect(everything).toContain('link Dropbox again')
    expect(everything).toContain('Bearer [redacted]')
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8)
      expect(everything).not.toContain(secret)
    }
  })
})
