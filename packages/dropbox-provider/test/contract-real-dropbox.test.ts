import { runBlobStoreContract } from '@y-dropbox/testing'
import { describe } from 'vitest'
import { createDropboxBlobStore } from '../src/create-store.ts'

const appKey = process.env.DROPBOX_APP_KEY
const refreshToken = process.env.DROPBOX_REFRESH_TOKEN

describe.skipIf(!appKey || !refreshToken)(
  'real Dropbox (set DROPBOX_APP_KEY and DROPBOX_REFRESH_TOKEN)',
  () => {
    const open = () => createDropboxBlobStore({ appKey: appKey!, refreshToken: refreshToken! })
    runBlobStoreContract(
      'real Dropbox, in a scratch folder of the app folder',
      async () => {
        const store = await open()
        return { store, reopen: open }
      },
      // Each test makes its own folder under the scratch root and removes it afterwards.
      { root: '/y-dropbox-test', manyFiles: 60, timeoutMs: 180_000, watchSettleMs: 2_000 },
    )
  },
)
