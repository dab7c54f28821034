/**
 * The browser test's page: the README example, driven through `window.tabsTest`. Records whether
 * this tab ever held the engine while another tab did: a leader takes the Web Lock `audit` the
 * moment it is elected and keeps it while it leads, so a second leader finds it held.
 */
import { createDropboxBlobStore } from '@y-dropbox/dropbox-provider'
import { openDiary, writeMorning } from '../../example.ts'

const query = new URLSearchParams(location.search)
const remote = () =>
  createDropboxBlobStore({
    appKey: 'tabs-test',
    refreshToken: query.get('token')!,
    emulatorUrl: query.get('emulator')!,
    clientTag: query.get('device') ?? 'browser',
  })
const diary = openDiary(remote, {
  pushDelayMs: 50,
  pollIntervalMs: 300,
  deviceName: query.get('device') ?? 'phone',
})
const audit = { elected: 0, overlaps: 0, errors: [] as string[] }
let releaseAudit: (() => void) | undefined
diary.on('elected', () => {
  audit.elected++
  void navigator.locks.request('audit', { ifAvailable: true }, (lock) => {
    if (!lock) {
      audit.overlaps++
      return undefined
    }
    return new Promise<void>((resolve) => {
      releaseAudit = resolve
    })
  })
})
diary.on('error', (error) => audit.errors.push(String(error)))

const notes = async (id: string) => (await diary.doc(id)).getText('notes').toString()

Object.assign(window, {
  tabsTest: {
    audit: () => audit,
    isLeader: () => diary.isLeader,
    activate: () => diary.call('activate'),
    syncNow: () => diary.call('syncNow'),
    devices: async () => (await diary.call('devices')).map((d) => d.name),
    write: (words: string) => writeMorning(diary, words),
    notes: () => notes('2026-11-25-morning'),
    status: () => diary.status?.state,
    close: async () => {
      await diary.close()
      releaseAudit?.()
    },
  },
})
