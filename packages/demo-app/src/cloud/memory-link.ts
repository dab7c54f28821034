/**
 * A `CloudLink` over an in-memory cloud shared by simulated devices, for tests and headless runs:
 * linking is a flag (there is no browser to redirect), and while unlinked the store fails with an
 * `AuthError` exactly as the Dropbox link does.
 */
import { AuthError, type BlobStore, type MemoryCloud } from '@y-dropbox/core'
import type { RetryInfo } from '@y-dropbox/dropbox-provider'
import type { CloudLink, LinkIntent } from './cloud-link.ts'
import { LinkedStore } from './linked-store.ts'

/** A Dropbox link over a shared in-memory cloud. */
export class MemoryLink implements CloudLink {
  readonly kind = 'emulator' as const
  readonly remote: BlobStore
  onRetry: ((info: RetryInfo) => void) | undefined
  constructor(
    cloud: MemoryCloud,
    /** Whether the device counts as linked. */
    public linked = true,
  ) {
    const store = cloud.connect()
    this.remote = new LinkedStore(async () => {
      if (!this.linked) throw new AuthError('Dropbox is not linked on this device; link Dropbox first')
      return store
    })
  }
  /** {@inheritDoc CloudLink.isLinked} */
  async isLinked(): Promise<boolean> {
    return this.linked
  }
  /** {@inheritDoc CloudLink.refresh} */
  async refresh(): Promise<void> {}
  /** Links at once (there is no approve page in memory). */
  async beginLink(_intent: LinkIntent): Promise<void> {
    this.linked = true
  }
  /** {@inheritDoc CloudLink.completeLink} */
  async completeLink(): Promise<LinkIntent | undefined> {
    return undefined
  }
  /** {@inheritDoc CloudLink.unlink} */
  async unlink(): Promise<void> {
    this.linked = false
  }
}
