import { defaultWords, type StatusFacts, type StatusNote, type SyncWords } from '@y-dropbox/core'
import { describe, expect, it } from 'vitest'
import { diaryWords } from '../src/device/words.ts'
import { count, NOUNS, pluralForm } from '../src/model/plural.ts'

/** The sentence the engine composes for `f` with the diary's words: the reason's, then each note's. */
function say(f: StatusFacts): string {
  const reasons = { ...defaultWords.reasons, ...diaryWords.reasons } as SyncWords['reasons']
  const notes = { ...defaultWords.notes, ...diaryWords.notes } as Record<
    string,
    (n: StatusNote, f: StatusFacts) => string
  >
  const sentence = reasons[f.reason](f)
  const said = (f.notes ?? []).map((n) => notes[n.kind]!(n, f))
  return said.length === 0
    ? sentence
    : `${/[.…!?]$/.test(sentence) ? sentence : `${sentence}.`} ${said.join(' ')}`
}
const facts = (f: Partial<StatusFacts>): StatusFacts => ({
  state: 'idle',
  reason: 'up-to-date',
  pending: 0,
  service: 'Dropbox',
  ...f,
})

describe("the diary's words for sync statuses", () => {
  it('counts by the plural rules', () => {
    expect(count(1, NOUNS.entry)).toBe('1 entry')
    expect(count(0, NOUNS.entry)).toBe('0 entries')
    expect(count(12_000, NOUNS.change)).toBe('12,000 changes')
    expect(pluralForm(1, { one: 'is', other: 'are' })).toBe('is')
  })

  it('says offline in plain words, with the technical detail left out', () => {
    const detail =
      'Dropbox download /pain-diary/pool.json kept failing (network error) after 5 attempts in 4 s; try again later'
    const text = say(facts({ state: 'offline', reason: 'offline', pending: 1, detail }))
    expect(text).toBe(
      "No connection to Dropbox. Your entries are saved on this device and will upload when you're back online.",
    )
    expect(say(facts({ state: 'offline', reason: 'offline', detail }))).not.toContain('pool.json')
  })

  it('agrees verbs with counts in the new-master sentence', () => {
    const one = say(
      facts({ state: 'needs-master', reason: 'needs-master', pending: 1, master: { by: 'Phone', at: 0 } }),
    )
    expect(one).toContain('Your 1 change not yet uploaded is then kept in a backup on this device.')
    const two = say(
      facts({ state: 'needs-master', reason: 'needs-master', pending: 2, master: { by: 'Phone', at: 0 } }),
    )
    expect(two).toContain('Your 2 changes not yet uploaded are then kept')
    expect(two).toMatch(/^Phone uploaded a new master database on .+\. Tap Download Master DB to Device/)
  })

  it('says where edits kept after a master download are', () => {
    const text = say(
      facts({ notes: [{ kind: 'edits-kept', backup: '2026-01-01T00-00-00-000Z', ids: ['a'] }] }),
    )
    expect(text).toBe(
      'Up to date. What you typed into 1 entry after the master download is kept in a backup on this device: Settings › Backup & Restore › Backups on this device.',
    )
  })

  it('tells which passphrase problem it is', () => {
    const changed = say(
      facts({
        state: 'error',
        reason: 'passphrase',
        detail: 'the sync passphrase was changed on another device; enter the new passphrase',
      }),
    )
    expect(changed).toMatch(/^Your sync passphrase was changed on another device\. Enter the new passphrase/)
  })
})
