/** The sealing hook of the blob format: AES-GCM in practice, anything authenticated in principle. */

/** Authenticated encryption of blob payloads. */
export interface BlobCipher {
  /** Encrypts `plain`, binding `aad` (the blob's identity) to the result. */
  seal(plain: Uint8Array, aad: string): Promise<Uint8Array>
  /** Decrypts and authenticates; rejects when the key, the bytes or `aad` differ. */
  open(sealed: Uint8Array, aad: string): Promise<Uint8Array>
}
