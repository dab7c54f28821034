/**
 * Shared test setup: an emulator per test, the official SDK pointed at it, error assertions.
 */
import { Dropbox, DropboxResponseError } from 'dropbox'
import { afterEach, expect } from 'vitest'
import { type Emulator, type EmulatorOptions, emulatorFetch, startEmulator } from '../src/index.ts'

const running: Emulator[] = []

afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()))
})

/** Starts an emulator closed after the test. */
export async function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const e = await startEmulator({ port: 0, ...options })
  running.push(e)
  return e
}

/** An emulator and an SDK client with a fresh access token. */
export async function connected(options: EmulatorOptions = {}): Promise<{ em: Emulator; dbx: Dropbox }> {
  const em = await emulator(options)
  const { accessToken } = em.issueTokens()
  return { em, dbx: new Dropbox({ accessToken, fetch: emulatorFetch(em.url) }) }
}

/** The SDK error a promise rejects with; fails the test when it resolves. */
export async function dropboxError(promise: Promise<unknown>): Promise<DropboxResponseError<unknown>> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(DropboxResponseError)
    return error as DropboxResponseError<unknown>
  }
  throw new Error('expected the call to fail with a DropboxResponseError')
}

/** Asserts a 409 route error whose `error_summary` starts with `summary`. */
export async function expectRouteError(promise: Promise<unknown>, summary: string): Promise<unknown> {
  const e = await dropboxError(promise)
  expect(e.status).toBe(409)
  const body = e.error as { error_summary: string; error: unknown }
  expect(body.error_summary.startsWith(summary), `${body.error_summary} starts with ${summary}`).toBe(true)
  return body.error
}

/** Bytes of a string. */
export function bytes(text: string): Buffer {
  return Buffer.from(text, 'utf8')
}

/** A raw POST to the emulator, for calls the SDK cannot make. */
export async function post(
  em: Emulator,
  path: string,
  init: { headers?: Record<string, string>; body?: string | Uint8Array<ArrayBuffer> } = {},
): Promise<Response> {
  return fetch(em.url + path, { method: 'POST', headers: init.headers, body: init.body })
}
