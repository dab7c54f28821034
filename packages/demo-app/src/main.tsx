/**
 * Entry point of the diary: finds the simulated device from the URL, joins its group of tabs (one
 * of which syncs through Dropbox), finishes a Dropbox link when Dropbox redirected here, renders.
 */
import { render } from 'preact'
import { profileFromUrl, profileUrl } from './app/profile.ts'
import { go, routeHash } from './app/router.ts'
import { Session, SessionContext } from './app/session.ts'
import type { LinkIntent } from './cloud/cloud-link.ts'
import { cloudConfig, DropboxLink, LINKING_DEVICE_KEY } from './cloud/dropbox-link.ts'
import { openLeader } from './device/open-leader.ts'
import { App } from './ui/App.tsx'
import { errorMessage } from './ui/use-action.ts'
import './ui/styles.css'

const url = new URL(location.href)
const fromDropbox = url.searchParams.has('code') || url.searchParams.has('error')
// Real Dropbox returns to one fixed address: the device that started linking waits in the session.
if (fromDropbox && !url.searchParams.has('device')) {
  const device = sessionStorage.getItem(LINKING_DEVICE_KEY)
  if (device) url.searchParams.set('device', device)
}
const profile = profileFromUrl(url)
document.title = `Pain Diary · ${profile.defaultName}`
const cloud = new DropboxLink(cloudConfig(import.meta.env), profile)
const session = new Session(profile, cloud, () => openLeader(profile, cloud))

const root = document.getElementById('app')
if (!root) throw new Error('index.html has no #app element')
render(
  <SessionContext.Provider value={session}>
    <App />
  </SessionContext.Provider>,
  root,
)

if (fromDropbox) void finishLink()

/** Completes the Dropbox link, cleans the address, and carries on with what the user was doing. */
async function finishLink(): Promise<void> {
  let intent: LinkIntent | undefined
  try {
    intent = await cloud.completeLink(url)
  } catch (error) {
    session.linkError.value = errorMessage(error)
  }
  const activating = intent === 'activate' || intent === 'activate-encrypted'
  history.replaceState(
    null,
    '',
    profileUrl(url, profile.device) + routeHash({ name: activating ? 'sync' : 'cloud' }),
  )
  go({ name: activating ? 'sync' : 'cloud' })
  try {
    await session.call('linkChanged')
  } catch (error) {
    session.linkError.value = errorMessage(error)
  }
  if (activating) session.linkIntent.value = intent
}
