/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Base URL of the Dropbox emulator (set by `npm run demo` and the browser tests). */
  readonly VITE_EMULATOR_URL?: string
  /** A Dropbox app key: when set, the app links real Dropbox accounts instead of the emulator. */
  readonly VITE_DROPBOX_APP_KEY?: string
}
