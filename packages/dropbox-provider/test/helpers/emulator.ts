/** Starting the emulator and building stores that talk to it. */

import { type Emulator, type EmulatorOptions, startEmulator } from '@y-dropbox/dropbox-emulator'
import { MemoryTokenStore } from '../../src/auth/token-store.ts'
import { type CreateDropboxBlobStoreOptions, createDropboxBlobStore } from '../../src/create-store.ts'
import type { DropboxBlobStore } from '../../src/dropbox-blob-store.ts'

/** The app key the tests link with. */
export const APP_KEY = 'provider-test-app'

/** Starts an emulator on 127.0.0.1 with a free port and admin endpoints. */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ port: 0, maxLongpollMs: 1_000, ...options })
}

/** A store on `emulator` with freshly issued tokens in a memory token store. */
export async function emulatorStore(
  emulator: Emulator,
  options: Partial<CreateDropboxBlobStoreOptions> = {},
): Promise<{
  store: DropboxBlobStore
  tokenStore: MemoryTokenStore
  tokens: { accessToken: string; refreshToken: string }
}> {
  const issued = emulator.issueTokens({ clientId: APP_KEY })
  const tokens = { accessToken: issued.accessToken, refreshToken: issued.refreshToken }
  const tokenStore = new MemoryTokenStore({
    ...tokens,
    accessTokenExpiresAt: Date.now() + issued.expiresIn * 1000,
  })
  const store = await createDropboxBlobStore({
    appKey: APP_KEY,
    tokenStore,
    emulatorUrl: emulator.url,
    baseDelayMs: 10,
    maxDelayMs: 200,
    ...options,
  })
  return { store, tokenStore, tokens }
}
