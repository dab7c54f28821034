/** Where the diary's sync pool lives inside the app's Dropbox folder. */
export const POOL_ROOT = '/pain-diary'
