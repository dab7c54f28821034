import { readdirSync, readFileSync } from 'node:fs'
import { summariseProfile } from './profile.ts'

const dir = process.argv[2]!
const win = JSON.parse(readFileSync(process.argv[3]!, 'utf8'))
const f = readdirSync(dir).find((x) => x.endsWith('.cpuprofile'))!
const s = summariseProfile(JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')), win, 25)
console.log('busy', s.busyMs.toFixed(0))
for (const t of s.top)
  console.log(t.ms.toFixed(0).padStart(6), (t.share * 100).toFixed(1).padStart(5), t.where)
console.log(s.areas.map((a) => `${a.area} ${(a.share * 100).toFixed(1)}%`).join(', '))
