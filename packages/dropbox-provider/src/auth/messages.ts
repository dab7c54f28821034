/** User-facing messages shared by the auth helpers and the store. */

/** Access is gone for good: the refresh token was revoked or the link expired. */
export const REVOKED_MESSAGE = 'Dropbox access was revoked or expired; link Dropbox again'

/** Nothing to authenticate with. */
export const NOT_LINKED_MESSAGE = 'Dropbox is not linked on this device; link Dropbox first'
