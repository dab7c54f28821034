import { describe, expect, it } from 'vitest'
import type { DeviceStateView } from '../../../src/engine/device-state.ts'
import { SafeObservable, type SyncEngineEvents } from '../../../src/engine/events.ts'
import type { SyncStatus } from '../../../src/engine/status.ts'
import { StatusReporter } from '../../../src/engine/status-reporter.ts'
import { defaultWords } from '../../../src/engine/words.ts'
import { TransientError } from '../../../src/errors.ts'

function reporter(state: Partial<DeviceStateView>, pending = 0) {
  const events = new SafeObservable<SyncEngineEvents>(() => {})
  const seen: SyncStatus[] = []
  events.on('status', (s) => seen.push(s))
  const base = {
    format: 1,
    deviceId: 'd',
    deviceName: 'n',
    active: true,
    nextSeq: 1,
    coverage: {},
    quarantine: {},
  }
  const r = new StatusReporter({
    events,
    words: defaultWords,
    service: 'Dropbox',
    pending: () => pending,
    state: () => ({ ...base, ...state }) as DeviceStateView,
  })
  return { r, seen }
}

describe('StatusReporter', () => {
  it('rests as the device state says: off, needs-master, or idle with what was set aside', () => {
    expect(reporter({ active: false }).r.current).toMatchObject({ state: 'inactive', reason: 'off' })
    const off = reporter({ active: false, stoppedReason: 'pool-replaced' })
    off.r.rest()
    expect(off.r.current).toMatchObject({ state: 'inactive', reason: 'pool-replaced' })
    const master = reporter({ needsMaster: { epoch: 'e2', by: 'laptop', at: 0 } })
    master.r.rest()
    expect(master.r.current).toMatchObject({
      state: 'needs-master',
      action: 'download-master',
      master: { by: 'laptop' },
    })
    const idle = reporter({ quarantine: { '/a': 'r' }, skipped: { b: [2, 3] } }, 2)
    idle.r.rest()
    expect(idle.r.current).toMatchObject({
      state: 'idle',
      reason: 'waiting-to-upload',
      pending: 2,
      notes: [
        { kind: 'damaged-files', count: 1 },
        { kind: 'lost-files', count: 2 },
      ],
    })
  })

  it('emits only when something changed, and keeps round notes until the next round', () => {
    const { r, seen } = reporter({})
    r.rest()
    r.rest()
    expect(seen).toHaveLength(1)
    r.working('checking')
    r.note({ kind: 'chore-failing', chore: 'device-record' })
    r.rest()
    expect(r.current.notes).toEqual([{ kind: 'chore-failing', chore: 'device-record' }])
    r.startRound()
    r.rest()
    expect(r.current.notes).toBeUndefined()
  })

  it('a failure carries its detail; a refused activation says off', () => {
    const { r } = reporter({ active: false })
    r.failed(new TransientError('socket hang up'))
    expect(r.current).toMatchObject({ state: 'offline', reason: 'offline', detail: 'socket hang up' })
    r.failed(new TransientError('socket hang up'), true)
    expect(r.current.state).toBe('inactive')
  })

  it('progress has the step in words and as a code, and goes away', () => {
    const { r } = reporter({})
    r.working('checking')
    r.progress('downloading-changes', 3, 10)
    expect(r.current.progress).toEqual({
      phase: 'Downloading changes',
      step: 'downloading-changes',
      done: 3,
      total: 10,
    })
    r.progress()
    expect(r.current.progress).toBeUndefined()
  })
})
