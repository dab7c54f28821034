/**
 * The diary's own words for the engine's statuses, where they name a button
 * of this app. Everything else keeps the engine's words, with "Dropbox" from
 * the provider.
 */
import { defaultWords, type SyncWordsOverride } from '@y-dropbox/core'

/** Passed to `SyncEngine.open` as `words`. */
export const diaryWords: SyncWordsOverride = {
  reasons: {
    'needs-master': (facts) =>
      defaultWords.reasons['needs-master'](facts).replace(
        'Download the master database to continue syncing',
        'Download Master DB to Device to continue syncing',
      ),
  },
}
