import { AuthError } from '@y-dropbox/core'
import { approveLink, type Emulator } from '@y-dropbox/dropbox-emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  beginBrowserLink,
  completeBrowserLink,
  type LinkStorage,
  pendingLinkKey,
} from '../src/auth/browser-link.ts'
import { linkWithLoopback } from '../src/auth/loopback-link.ts'
import { MemoryTokenStore } from '../src/auth/token-store.ts'
import { createDropboxBlobStore } from '../src/create-store.ts'
import { APP_KEY, startTestEmulator } from './helpers/emulator.ts'
import { bytes } from './helpers/scripted-dropbox.ts'

const REDIRECT = 'http://127.0.0.1:5173/settings/dropbox?return=sync'

let emulator: Emulator
beforeAll(async () => {
  emulator = await startTestEmulator({ appKeys: [APP_KEY] })
})
afterAll(() => emulator.close())

/** A Web Storage stand-in. */
function memoryStorage(): LinkStorage & { items: Map<string, string> } {
  const items = new Map<string, string>()
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  }
}

describe('browser PKCE link', () => {
  it('links against the emulator approve page and gives working tokens', async () => {
    const storage = memoryStorage()
    const url = await beginBrowserLink({
      appKey: APP_KEY,
      redirectUri: REDIRECT,
      storage,
      emulatorUrl: emulator.url,
    })
    const params = new URL(url).searchParams
    expect(url.startsWith(`${emulator.url}/oauth2/authorize?`)).toBe(true)
    expect(params.get('code_challenge_method')).toBe('S256')
    expect(params.get('token_access_type')).toBe('offline')
    expect(params.get('redirect_uri')).toBe(REDIRECT)
    expect(params.get('scope')).toBe('files.metadata.read files.content.read files.content.write')
    expect(storage.items.has(pendingLinkKey(APP_KEY))).toBe(true)

    const back = await approveLink(url)
    expect(back.startsWith(REDIRECT)).toBe(true)
    const tokenStore = new MemoryTokenStore()
    const tokens = await completeBrowserLink({
      url: back,
      appKey: APP_KEY,
      storage,
      tokenStore,
      emulatorUrl: emulator.url,
    })
    expect(tokens.refreshToken).toBeTruthy()
    expect(tokens.accessTokenExpiresAt).toBeGreaterThan(Date.now())
    expect(await tokenStore.load()).toEqual(tokens)
    expect(storage.items.size).toBe(0)

    const store = await createDropboxBlobStore({ appKey: APP_KEY, tokenStore, emulatorUrl: emulator.url })
    await expect(store.put('/linked.txt', bytes('hi'), 'overwrite')).resolves.toMatchObject({ size: 2 })
  })

  it('rejects a redirect whose state does not match, and a replayed one', async () => {
    const storage = memoryStorage()
    const url = await beginBrowserLink({
      appKey: APP_KEY,
      redirectUri: REDIRECT,
      storage,
      emulatorUrl: emulator.url,
    })
    const back = new URL(await approveLink(url))
    back.searchParams.set('state', 'forged')
    const error = await completeBrowserLink({
      url: back.href,
      appKey: APP_KEY,
      storage,
      emulatorUrl: emulator.url,
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect((error as Error).message).toMatch(/state mismatch/)
    // The pending link is used up: the genuine redirect cannot be replayed after a failure.
    await expect(
      completeBrowserLink({
        url: await approveLink(url),
        appKey: APP_KEY,
        storage,
        emulatorUrl: emulator.url,
      }),
    ).rejects.toThrow(/state mismatch/)
  })

  it('reports a denied approval clearly', async () => {
    const storage = memoryStorage()
    const url = await beginBrowserLink({
      appKey: APP_KEY,
      redirectUri: REDIRECT,
      storage,
      emulatorUrl: emulator.url,
    })
    const back = await approveLink(url, 'deny')
    await expect(
      completeBrowserLink({ url: back, appKey: APP_KEY, storage, emulatorUrl: emulator.url }),
    ).rejects.toThrow(/cancelled \(access was denied\)/)
  })

  it('reports a code Dropbox refuses as AuthError', async () => {
    const storage = memoryStorage()
    const url = await beginBrowserLink({
      appKey: APP_KEY,
      redirectUri: REDIRECT,
      storage,
      emulatorUrl: emulator.url,
    })
    const back = new URL(await approveLink(url))
    back.searchParams.set('code', 'not-a-code')
    const error = await completeBrowserLink({
      url: back.href,
      appKey: APP_KEY,
      storage,
      emulatorUrl: emulator.url,
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect((error as Error).message).toMatch(/did not accept the link \(invalid_grant\)/)
    expect(String((error as Error).cause)).not.toContain('not-a-code')
  })
})

describe('loopback link (Node)', () => {
  it('runs end to end: server on 127.0.0.1, approve, redirect, exchange', async () => {
    const tokenStore = new MemoryTokenStore()
    let opened = ''
    const tokens = await linkWithLoopback({
      appKey: APP_KEY,
      port: 0,
      emulatorUrl: emulator.url,
      tokenStore,
      open: async (url) => {
        opened = url
        const back = await approveLink(url)
        expect(back).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\?/)
        const page = await fetch(back)
        expect(page.status).toBe(200)
        expect(await page.text()).toContain('Dropbox is linked')
      },
    })
    expect(new URL(opened).searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/)
    expect(tokens.refreshToken).toBeTruthy()
    expect(await tokenStore.load()).toEqual(tokens)
  })

  it('fails on a denied approval and on timeout, closing its server', async () => {
    let redirectPort = 0
    await expect(
      linkWithLoopback({
        appKey: APP_KEY,
        port: 0,
        emulatorUrl: emulator.url,
        open: async (url) => {
          redirectPort = Number(new URL(new URL(url).searchParams.get('redirect_uri')!).port)
          const page = await fetch(await approveLink(url, 'deny'))
          expect(page.status).toBe(400)
        },
      }),
    ).rejects.toThrow(/access was denied/)
    await expect(fetch(`http://127.0.0.1:${redirectPort}/callback`)).rejects.toThrow()
    await expect(
      linkWithLoopback({
        appKey: APP_KEY,
        port: 0,
        emulatorUrl: emulator.url,
        open: () => {},
        timeoutMs: 20,
      }),
    ).rejects.toThrow(/timed out/)
  })
})
