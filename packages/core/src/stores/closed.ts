/** The error every local store throws once it has been closed. */

import { YDropboxError } from '../errors.ts'

/** Makes the error a call on a closed store rejects with. */
export function closedError(store: string, method: string): YDropboxError {
  return new YDropboxError(`${store} is closed, so ${method}() cannot run; open the store again to use it`)
}
