/**
 * Made-up diary entries for trying the app: plausible dates, pain levels, places, medications,
 * triggers and notes, reproducible from a seed.
 */
import * as prng from 'lib0/prng'
import { BODY_LOCATIONS, type EntryData, type Medication, TRIGGERS, toLocalDateTime } from './entry.ts'

const MEDS: Array<[string, string[]]> = [
  ['Ibuprofen', ['200 mg', '400 mg']],
  ['Paracetamol', ['500 mg', '1 g']],
  ['Naproxen', ['250 mg', '500 mg']],
  ['Amitriptyline', ['10 mg', '25 mg']],
  ['Gabapentin', ['300 mg']],
  ['Heat pack', ['20 min']],
]

const OPENINGS = [
  'Woke up stiff',
  'Slept badly',
  'Good morning, then a flare after lunch',
  'Pain came on slowly during the day',
  'Sharp pain when getting up',
  'Quiet day',
  'Long day at work',
  'Rainy and cold',
  'Walked for half an hour',
  'Physio session today',
]

const DETAILS = [
  'stretching helped a little.',
  'the heat pack eased it by evening.',
  'had to lie down for an hour.',
  'could not concentrate on reading.',
  'felt better after a warm shower.',
  'took the stairs slowly.',
  'mood low but manageable.',
  'gentle yoga before bed.',
  'forgot to drink enough water.',
  'pain eased after the medication.',
]

/** One made-up entry dated `at`. */
export function sampleEntry(gen: prng.PRNG, at: Date): EntryData {
  const pain = Math.min(
    10,
    Math.max(0, Math.round(3.5 + prng.real53(gen) * 4 + (prng.real53(gen) - 0.5) * 4)),
  )
  const locations = pickSome(gen, BODY_LOCATIONS, 1, 3)
  const triggers = pickSome(gen, TRIGGERS, 0, 2)
  const medications: Medication[] = []
  const count = pain >= 5 ? prng.int32(gen, 1, 2) : prng.int32(gen, 0, 1)
  for (let i = 0; i < count; i++) {
    const [name, doses] = prng.oneOf(gen, MEDS)
    if (medications.some((m) => m.name === name)) continue
    medications.push({
      id: `s${i}${prng.uint32(gen, 0, 1e9)}`,
      name,
      dose: prng.oneOf(gen, doses),
      addedAt: at.getTime() + i,
    })
  }
  const notes = `${prng.oneOf(gen, OPENINGS)}; ${prng.oneOf(gen, DETAILS)}`
  return { at: toLocalDateTime(at), pain, locations, triggers, medications, notes }
}

/**
 * `count` entries ending now, newest first, spread over up to three years (at least a few hours
 * apart), generated from `seed`.
 */
export function* sampleEntries(count: number, seed: number, now = Date.now()): Generator<EntryData> {
  const gen = prng.create(seed)
  const spanMs = Math.min(Math.max(count, 1), 3 * 365) * 86_400_000
  const step = spanMs / Math.max(count, 1)
  for (let i = 0; i < count; i++) {
    const jitter = (prng.real53(gen) - 0.5) * step * 0.5
    yield sampleEntry(gen, new Date(now - i * step - Math.abs(jitter)))
  }
}

function pickSome<T>(gen: prng.PRNG, options: readonly T[], min: number, max: number): T[] {
  const n = prng.int32(gen, min, max)
  const pool = [...options]
  const out: T[] = []
  for (let i = 0; i < n && pool.length > 0; i++)
    out.push(pool.splice(prng.int32(gen, 0, pool.length - 1), 1)[0]!)
  return out
}
