/**
 * The Dropbox link of one device profile, over `@y-dropbox/dropbox-provider`: tokens in the
 * profile's own IndexedDB database, PKCE linking by redirect (to the emulator's approve page, or
 * Dropbox's with an app key), unlinking with revocation.
 */
import { AuthError, type BlobStore } from '@y-dropbox/core'
import {
  beginBrowserLink,
  completeBrowserLink,
  createDropboxBlobStore,
  type DropboxBlobStore,
  IdbTokenStore,
  type LinkStorage,
  type RetryInfo,
  unlink,
} from '@y-dropbox/dropbox-provider'
import { type DeviceProfile, profileUrl } from '../app/profile.ts'
import { type CloudLink, type LinkIntent, parseLinkIntent } from './cloud-link.ts'
import { LinkedStore } from './linked-store.ts'

/** Which Dropbox to use. */
export interface CloudConfig {
  /** `dropbox` with a real app key, `emulator` otherwise. */
  kind: 'emulator' | 'dropbox'
  /** The Dropbox app key (any name for the emulator). */
  appKey: string
  /** The emulator's base URL (emulator only). */
  emulatorUrl?: string
  /** How long one Dropbox call may keep retrying before sync reports a failure (ms). */
  maxRetryTimeMs: number
}

/** App key used with the emulator, which accepts any. */
export const EMULATOR_APP_KEY = 'pain-diary-demo'

/** Picks real Dropbox when an app key is configured, else the emulator. */
export function cloudConfig(env: { VITE_DROPBOX_APP_KEY?: string; VITE_EMULATOR_URL?: string }): CloudConfig {
  if (env.VITE_DROPBOX_APP_KEY)
    return { kind: 'dropbox', appKey: env.VITE_DROPBOX_APP_KEY, maxRetryTimeMs: 30_000 }
  return {
    kind: 'emulator',
    appKey: EMULATOR_APP_KEY,
    emulatorUrl: env.VITE_EMULATOR_URL || 'http://127.0.0.1:8787',
    maxRetryTimeMs: 8_000,
  }
}

/** Session key naming the device that started linking in this browser tab. */
export const LINKING_DEVICE_KEY = 'pain-diary:linking-device'

/** The Dropbox link of one device profile. */
export class DropboxLink implements CloudLink {
  readonly kind: 'emulator' | 'dropbox'
  readonly remote: BlobStore
  onRetry: ((info: RetryInfo) => void) | undefined
  private readonly tokens: IdbTokenStore
  private store: Promise<DropboxBlobStore> | undefined

  constructor(
    private readonly config: CloudConfig,
    private readonly profile: DeviceProfile,
    /** Where the PKCE verifier waits for the redirect (default `sessionStorage`, keys per device). */
    private readonly storage: Storage = sessionStorage,
  ) {
    this.kind = config.kind
    this.tokens = new IdbTokenStore({ dbName: profile.tokenDb })
    this.remote = new LinkedStore(() => this.current())
  }

  /** {@inheritDoc CloudLink.isLinked} */
  async isLinked(): Promise<boolean> {
    const t = await this.tokens.load()
    return Boolean(t?.refreshToken || t?.accessToken)
  }

  /** {@inheritDoc CloudLink.refresh} */
  async refresh(): Promise<void> {
    this.store = undefined
  }

  /** {@inheritDoc CloudLink.beginLink} */
  async beginLink(intent: LinkIntent): Promise<void> {
    const url = await beginBrowserLink({
      appKey: this.config.appKey,
      redirectUri: this.redirectUri(),
      storage: this.linkStorage(),
      ...(this.config.emulatorUrl ? { emulatorUrl: this.config.emulatorUrl } : {}),
    })
    this.storage.setItem(this.intentKey(), intent)
    this.storage.setItem(LINKING_DEVICE_KEY, this.profile.device)
    location.assign(url)
  }

  /** {@inheritDoc CloudLink.completeLink} */
  async completeLink(url: URL): Promise<LinkIntent | undefined> {
    if (!url.searchParams.has('code') && !url.searchParams.has('error')) return undefined
    const intent = parseLinkIntent(this.storage.getItem(this.intentKey()))
    this.storage.removeItem(this.intentKey())
    this.storage.removeItem(LINKING_DEVICE_KEY)
    await completeBrowserLink({
      url: url.href,
      appKey: this.config.appKey,
      storage: this.linkStorage(),
      tokenStore: this.tokens,
      ...(this.config.emulatorUrl ? { emulatorUrl: this.config.emulatorUrl } : {}),
    })
    this.store = undefined
    return intent
  }

  /** {@inheritDoc CloudLink.unlink} */
  async unlink(): Promise<void> {
    try {
      const store = await this.current()
      await unlink({ auth: store.auth, tokenStore: this.tokens })
    } catch (error) {
      // Not linked, or the grant was already gone: forgetting the tokens is all there is to do.
      if (!(error instanceof AuthError)) throw error
      await this.tokens.clear()
    } finally {
      this.store = undefined
    }
  }

  private current(): Promise<DropboxBlobStore> {
    this.store ??= createDropboxBlobStore({
      appKey: this.config.appKey,
      tokenStore: this.tokens,
      maxRetryTimeMs: this.profile.maxRetryMs ?? this.config.maxRetryTimeMs,
      onRetry: (info) => this.onRetry?.(info),
      ...(this.config.emulatorUrl
        ? { emulatorUrl: this.config.emulatorUrl, clientTag: this.profile.device }
        : {}),
    }).catch((error: unknown) => {
      this.store = undefined
      throw error
    })
    return this.store
  }

  /**
   * Where Dropbox sends the browser back. With the emulator the device rides along in the query;
   * real Dropbox needs one fixed, registered URI, so the device waits in session storage.
   */
  private redirectUri(): string {
    const here = new URL(location.href)
    return this.kind === 'emulator' ? profileUrl(here, this.profile.device) : `${here.origin}${here.pathname}`
  }

  private intentKey(): string {
    return `pain-diary:${this.profile.device}:link-intent`
  }

  /** Session storage with this device's keys apart, since the QA page's frames share it. */
  private linkStorage(): LinkStorage {
    const prefix = `pain-diary:${this.profile.device}:`
    return {
      getItem: (k) => this.storage.getItem(prefix + k),
      setItem: (k, v) => this.storage.setItem(prefix + k, v),
      removeItem: (k) => this.storage.removeItem(prefix + k),
    }
  }
}
