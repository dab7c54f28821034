/** Linking a test device to the Dropbox emulator, as an app does after the user approves it. */
import type { Emulator } from '@y-dropbox/dropbox-emulator'
import {
  type CreateDropboxBlobStoreOptions,
  createDropboxBlobStore,
  type DropboxBlobStore,
} from '@y-dropbox/dropbox-provider'

/**
 * A store for device `tag` of app `appKey` with fresh tokens (the refresh
 * token is returned, to revoke the link), quick retries and 30 s long-polls;
 * `options` override those.
 */
export async function linkToEmulator(
  emulator: Emulator,
  appKey: string,
  tag: string,
  options: Partial<CreateDropboxBlobStoreOptions> = {},
): Promise<{ remote: DropboxBlobStore; refreshToken: string }> {
  const { accessToken, refreshToken } = emulator.issueTokens({ clientId: appKey })
  const remote = await createDropboxBlobStore({
    appKey,
    accessToken,
    refreshToken,
    emulatorUrl: emulator.url,
    clientTag: tag,
    baseDelayMs: 5,
    longpollTimeoutS: 30,
    ...options,
  })
  return { remote, refreshToken }
}
