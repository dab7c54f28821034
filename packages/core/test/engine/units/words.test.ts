import { describe, expect, it } from 'vitest'
import type { StatusReason } from '../../../src/engine/status.ts'
import { compose, defaultWords, mergeWords, type StatusFacts } from '../../../src/engine/words.ts'

const facts = (reason: StatusReason, extra: Partial<StatusFacts> = {}): StatusFacts => ({
  state: 'idle',
  reason,
  pending: 0,
  service: 'Dropbox',
  ...extra,
})

describe('words', () => {
  it('has a sentence for every reason, naming the storage only through its service name', () => {
    for (const reason of Object.keys(defaultWords.reasons) as StatusReason[]) {
      const sentence = compose(
        defaultWords,
        facts(reason, { service: 'cloud storage', detail: 'something went wrong', pending: 2 }),
      )
      expect(sentence.length, reason).toBeGreaterThan(9)
      expect(sentence, reason).not.toMatch(/Dropbox/)
    }
  })

  it('counts pending changes in the sentences that mention them', () => {
    expect(compose(defaultWords, facts('waiting-to-upload', { pending: 1 }))).toBe(
      '1 change waiting to upload',
    )
    expect(compose(defaultWords, facts('offline', { pending: 3 }))).toBe(
      'Cannot reach Dropbox; retrying. 3 changes will upload then.',
    )
  })

  it('appends the notes after the sentence', () => {
    const text = compose(
      defaultWords,
      facts('up-to-date', {
        notes: [
          { kind: 'damaged-files', count: 2 },
          { kind: 'chore-failing', chore: 'compaction' },
        ],
      }),
    )
    expect(text).toBe(
      'Up to date. 2 damaged sync files were skipped. Compacting the sync data failed; syncing goes on and it is tried again later.',
    )
  })

  it('lets an app replace any sentence and keeps the others', () => {
    const words = mergeWords({
      reasons: { 'up-to-date': () => 'Alles synchron' },
      steps: { 'downloading-changes': 'Lade' },
    })
    expect(compose(words, facts('up-to-date'))).toBe('Alles synchron')
    expect(compose(words, facts('checking'))).toBe('Checking for changes…')
    expect(words.steps['downloading-changes']).toBe('Lade')
  })
})
