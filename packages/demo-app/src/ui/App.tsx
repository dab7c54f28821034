/** The app's frame: top bar with the device, the status banner, the current screen, the tab bar. */
import { type Route, route, routeHash } from '../app/router.ts'
import { useSession } from '../app/session.ts'
import { BackupRestore } from './BackupRestore.tsx'
import { Banner } from './Banner.tsx'
import { CloudServices } from './CloudServices.tsx'
import { DeviceSync } from './DeviceSync.tsx'
import { DiaryList } from './DiaryList.tsx'
import { EntryEditor, NewEntry } from './EntryEditor.tsx'
import { Icon } from './icons.tsx'
import { UnlockDialog } from './passphrase-parts.tsx'
import { Report } from './Report.tsx'
import { Settings } from './Settings.tsx'

const TITLES: Record<Route['name'], string> = {
  diary: 'Pain Diary',
  new: 'New Entry',
  entry: 'Diary Entry',
  report: 'Report',
  settings: 'Settings',
  cloud: 'Cloud Services',
  sync: 'Device Sync Services',
  backup: 'Backup & Restore',
}

const PARENT: Partial<Record<Route['name'], Route>> = {
  new: { name: 'diary' },
  entry: { name: 'diary' },
  cloud: { name: 'settings' },
  sync: { name: 'cloud' },
  backup: { name: 'settings' },
}

/** The whole app for one tab. */
export function App() {
  const session = useSession()
  const current = route.value
  const state = session.state.value
  const parent = PARENT[current.name]
  const dot = state ? state.sync.state : 'inactive'
  return (
    <div class="app">
      <div class="chrome">
        <header class="topbar">
          {parent && (
            <a class="back" href={routeHash(parent)} aria-label="Back">
              ‹
            </a>
          )}
          <h1>{TITLES[current.name]}</h1>
          <span
            class="device-chip"
            title={
              session.isLeader.value ? 'This tab syncs the device' : 'Another tab of this device syncs it'
            }
          >
            <span class={`dot ${dot}`} />
            {state?.deviceName ?? session.profile.defaultName}
          </span>
        </header>
        <Banner />
        {session.failure.value && (
          <div class="banner error" role="alert">
            <div class="text">{session.failure.value}</div>
          </div>
        )}
      </div>
      <main>
        <Screen route={current} />
      </main>
      <UnlockDialog />
      <nav class="tabbar no-print" aria-label="Screens">
        <a
          href="#/"
          class={
            current.name === 'diary' || current.name === 'entry' || current.name === 'new' ? 'active' : ''
          }
        >
          <Icon name="diary" class="icon" />
          Diary
        </a>
        <a href="#/report" class={current.name === 'report' ? 'active' : ''}>
          <Icon name="report" class="icon" />
          Report
        </a>
        <a
          href="#/settings"
          class={['settings', 'cloud', 'sync', 'backup'].includes(current.name) ? 'active' : ''}
        >
          <Icon name="settings" class="icon" />
          Settings
        </a>
      </nav>
    </div>
  )
}

function Screen({ route: r }: { route: Route }) {
  switch (r.name) {
    case 'diary':
      return <DiaryList />
    case 'new':
      return <NewEntry />
    case 'entry':
      return <EntryEditor id={r.id} />
    case 'report':
      return <Report />
    case 'settings':
      return <Settings />
    case 'cloud':
      return <CloudServices />
    case 'sync':
      return <DeviceSync />
    case 'backup':
      return <BackupRestore />
  }
}
