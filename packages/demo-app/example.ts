/**
 * Two devices of the pain diary syncing without a browser, over an in-memory cloud: what the
 * syncing tab of each device does when the user activates sync and downloads the master.
 * Run from the repository root: `npx tsx --conditions=source packages/demo-app/example.ts`
 */
import { MemoryCloud, MemoryLocalStore } from '@y-dropbox/core'
import { profileFromUrl } from './src/app/profile.ts'
import { MemoryLink } from './src/cloud/memory-link.ts'
import { openLeaderOn } from './src/device/open-leader.ts'
import { readSummary } from './src/model/summary.ts'

const cloud = new MemoryCloud() // stands in for Dropbox
const open = (device: string) =>
  openLeaderOn(
    new MemoryLocalStore(),
    profileFromUrl(new URL(`http://localhost/?device=${device}`)),
    new MemoryLink(cloud),
  )

const phone = await open('phone')
const tablet = await open('tablet')

await phone.calls.addSamples(20)
console.log('phone:', await phone.calls.activate()) // "created": the Primary device
console.log('tablet:', await tablet.calls.activate()) // "joined"
await tablet.calls.downloadMaster()
const newest = tablet.source
  .list()
  .map((i) => readSummary(i.summary)!)
  .sort((a, b) => b.at.localeCompare(a.at))[0]!
console.log(
  `tablet has ${tablet.source.list().length} entries; newest: ${newest.at}, pain ${newest.pain}, "${newest.words}"`,
)
await phone.close()
await tablet.close()
