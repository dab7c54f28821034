/** context.ts on its own: what a sync step reports through its context, and bounded concurrency. */
import { describe, expect, it } from 'vitest'
import { mapConcurrent } from '../../../src/engine/context.ts'
import { CorruptBlobError } from '../../../src/errors.ts'
import { parts } from './fixture.ts'

/** A task whose calls end when `finish(i)` is called, in any order. */
function gated() {
  const finishers = new Map<number, () => void>()
  let running = 0
  let most = 0
  const task = async (item: string, i: number) => {
    running++
    most = Math.max(most, running)
    await new Promise<void>((resolve) => finishers.set(i, resolve))
    running--
    return `${item}${i}`
  }
  const finish = async (i: number) => {
    // Let the worker reach its gate first.
    while (!finishers.has(i)) await Promise.resolve()
    finishers.get(i)!()
  }
  return { task, finish, started: () => [...finishers.keys()], most: () => most }
}

/** Lets every promise chain that can move on do so. */
const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('mapConcurrent', () => {
  it('keeps the input order of results, whatever order the tasks end in', async () => {
    const { task, finish } = gated()
    const done = mapConcurrent(['a', 'b', 'c', 'd'], 4, task)
    for (const i of [3, 1, 0, 2]) await finish(i)
    expect(await done).toEqual(['a0', 'b1', 'c2', 'd3'])
  })

  it('runs at most `limit` tasks at once, starting the next as one ends', async () => {
    const { task, finish, started, most } = gated()
    const done = mapConcurrent(['a', 'b', 'c', 'd', 'e'], 2, task)
    await settle()
    expect(started()).toEqual([0, 1])
    await finish(1)
    await settle()
    expect(started()).toEqual([0, 1, 2])
    await finish(2)
    await settle()
    expect(started()).toEqual([0, 1, 2, 3])
    await finish(0)
    await finish(3)
    await finish(4)
    expect(await done).toEqual(['a0', 'b1', 'c2', 'd3', 'e4'])
    expect(most()).toBe(2)
  })

  it('answers an empty list at once, and rejects with the first failure', async () => {
    expect(await mapConcurrent([], 3, async () => 1)).toEqual([])
    await expect(
      mapConcurrent([1, 2, 3], 2, async (n) => {
        if (n === 2) throw new Error('task 2 failed')
        return n
      }),
    ).rejects.toThrow('task 2 failed')
  })
})

describe('createContext', () => {
  it('reports a quarantined file to onError and as a note in the status', async () => {
    const device = await parts()
    device.ctx.quarantined('/diary/x.ydu', new CorruptBlobError('checksum mismatch', '/diary/x.ydu'))
    expect(device.errors).toEqual(['skipped a damaged sync file /diary/x.ydu'])
    expect(device.status.current.notes).toEqual([
      { kind: 'damaged-file', detail: expect.stringContaining('checksum mismatch') },
    ])
  })

  it('passes progress and notes on to the status, and clears progress when the step ends', async () => {
    const device = await parts()
    device.ctx.progress('downloading-changes', 2, 5)
    expect(device.status.current.progress).toMatchObject({ step: 'downloading-changes', done: 2, total: 5 })
    device.ctx.progress()
    expect(device.status.current.progress).toBeUndefined()
    device.ctx.note({ kind: 'chore-failing', chore: 'compaction' })
    expect(device.status.current.notes).toEqual([{ kind: 'chore-failing', chore: 'compaction' }])
  })
})
