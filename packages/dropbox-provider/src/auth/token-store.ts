/** Where a device keeps its Dropbox tokens between runs. */

/** The tokens of one Dropbox link. */
export interface DropboxTokens {
  /** Short-lived access token (about 4 hours). */
  accessToken?: string
  /** Long-lived refresh token (offline access); renews the access token. */
  refreshToken?: string
  /** When the access token expires, in ms since the epoch. */
  accessTokenExpiresAt?: number
  /** The Dropbox account the tokens belong to. */
  accountId?: string
  /** Scopes granted, space separated. */
  scope?: string
}

/** Persistent storage for one set of Dropbox tokens. */
export interface TokenStore {
  /** The saved tokens, or `undefined` when nothing is saved. */
  load(): Promise<DropboxTokens | undefined>
  /** Replaces the saved tokens. */
  save(tokens: DropboxTokens): Promise<void>
  /** Forgets the saved tokens. */
  clear(): Promise<void>
}

/** Keeps tokens in memory only: for tests, demos, and apps that must not persist them. */
export class MemoryTokenStore implements TokenStore {
  #tokens: DropboxTokens | undefined

  /** @param tokens - tokens to start with */
  constructor(tokens?: DropboxTokens) {
    this.#tokens = tokens ? { ...tokens } : undefined
  }

  /** {@inheritDoc TokenStore.load} */
  async load(): Promise<DropboxTokens | undefined> {
    return this.#tokens ? { ...this.#tokens } : undefined
  }

  /** {@inheritDoc TokenStore.save} */
  async save(tokens: DropboxTokens): Promise<void> {
    this.#tokens = { ...tokens }
  }

  /** {@inheritDoc TokenStore.clear} */
  async clear(): Promise<void> {
    this.#tokens = undefined
  }
}
