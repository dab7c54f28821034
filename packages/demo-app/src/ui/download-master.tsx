/**
 * "Download Master DB to Device", wherever it is offered (Device Sync Services, the status banner,
 * the activation dialog): the confirmation that says what stays and what goes where, the download,
 * and the message that says where the local backup is.
 */
import { useState } from 'preact/hooks'
import { go } from '../app/router.ts'
import { useSession } from '../app/session.ts'
import { BACKUPS_PLACE } from '../device/words.ts'
import { agree, count, NOUNS } from '../model/plural.ts'
import { Confirm, Dialog } from './Dialog.tsx'
import { errorMessage } from './use-action.ts'

/** What the download left: the backup's name and how many of its entries were never uploaded. */
interface Downloaded {
  backup: string
  createdAt: number
  unsent: number
}

/** The state and dialogs of one "Download Master DB to Device" button. */
export interface DownloadMaster {
  /** Opens the confirmation. */
  ask(): void
  /** True while the download runs. */
  busy: boolean
  /** Why the last download failed. */
  error: string | undefined
  /** The confirmation and result dialogs, to render where the button is. */
  dialogs: preact.JSX.Element | null
}

/** A "Download Master DB to Device" flow for the screen that shows its button. */
export function useDownloadMaster(): DownloadMaster {
  const session = useSession()
  const [asking, setAsking] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>(undefined)
  const [done, setDone] = useState<Downloaded | undefined>(undefined)
  const pending = session.state.value?.sync.pending ?? 0

  const run = () => {
    setAsking(false)
    setBusy(true)
    setError(undefined)
    session
      .call('downloadMaster')
      .then(async (backup) => {
        const info = (await session.call('localBackups')).find((b) => b.name === backup)
        setDone({ backup, createdAt: info?.createdAt ?? Date.now(), unsent: info?.unsent.length ?? 0 })
      })
      .catch((e: unknown) => setError(errorMessage(e)))
      .finally(() => setBusy(false))
  }

  const dialogs = (
    <>
      {asking && (
        <Confirm
          title="Download Master DB to Device?"
          confirm="Download Master DB"
          onCancel={() => setAsking(false)}
          onConfirm={run}
        >
          <p data-testid="download-master-words">
            This device's diary becomes the same as the master copy in Dropbox. The entries this device had
            when it joined the sync pool stay: they were merged into the pool then, so the master has them
            too.
          </p>
          <p>
            {pending > 0
              ? `Your ${count(pending, NOUNS.change)} not yet uploaded ${agree(pending, 'is', 'are')} not in the master. `
              : ''}
            First, this device's whole diary is saved in a backup on this device ({BACKUPS_PLACE}), from where
            you can look at it and restore any entry.
          </p>
        </Confirm>
      )}
      {done && (
        <Dialog
          icon="check"
          title="Master DB Downloaded"
          onClose={() => setDone(undefined)}
          actions={
            <>
              <button
                type="button"
                class="btn"
                onClick={() => {
                  setDone(undefined)
                  go({ name: 'backup' })
                }}
              >
                Open backups
              </button>
              <button type="button" class="btn primary" onClick={() => setDone(undefined)}>
                OK
              </button>
            </>
          }
        >
          <p data-testid="master-downloaded">
            This device's diary now matches the master. What it held before is kept in the backup of{' '}
            {new Date(done.createdAt).toLocaleString()}, under {BACKUPS_PLACE}
            {done.unsent > 0
              ? `, with ${count(done.unsent, NOUNS.entry)} that had changes not yet uploaded: restore ${agree(done.unsent, 'it', 'them')} from there.`
              : '.'}
          </p>
        </Dialog>
      )}
    </>
  )
  return { ask: () => setAsking(true), busy, error, dialogs }
}
