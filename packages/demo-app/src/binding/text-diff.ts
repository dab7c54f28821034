/**
 * The two pure pieces of the textarea binding: turning a local edit into the smallest change to
 * apply to a `Y.Text`, and moving a caret through a remote change so it stays where the user left it.
 */

/** One contiguous change: at `index`, remove `remove` code units, then insert `insert`. */
export interface TextChange {
  /** Where the change starts (UTF-16 code units, as in JavaScript strings and Y.Text). */
  index: number
  /** How many code units are removed. */
  remove: number
  /** What is inserted. */
  insert: string
}

/** One operation of a Yjs text delta (`Y.YTextEvent.delta`). */
export interface DeltaOp {
  /** Skip this many code units. */
  retain?: number
  /** Insert this text (or an embed, which counts as one unit). */
  insert?: string | object
  /** Delete this many code units. */
  delete?: number
}

/**
 * Returns the smallest single-range change turning `before` into `after`, or `undefined` when they
 * are equal. `caret` (the caret position in `after`, e.g. `selectionEnd` after an input event)
 * resolves ambiguity: typing "a" at the start of "aa" is an insertion at 0, not at 2. Surrogate
 * pairs are never split.
 */
export function diffText(before: string, after: string, caret = after.length): TextChange | undefined {
  if (before === after) return undefined
  const min = Math.min(before.length, after.length)
  // The common suffix may not reach left of the caret: the edit happened before the caret.
  const maxSuffix = Math.min(min, Math.max(0, after.length - caret))
  let suffix = 0
  while (
    suffix < maxSuffix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix++
  }
  let prefix = 0
  const maxPrefix = min - suffix
  while (prefix < maxPrefix && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++
  // A wrong caret (set by a script, not by typing) can leave the suffix too short: widen it.
  while (
    suffix < min - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix++
  }
  if (prefix > 0 && isHighSurrogate(before.charCodeAt(prefix - 1))) prefix--
  if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix--
  return {
    index: prefix,
    remove: before.length - prefix - suffix,
    insert: after.slice(prefix, after.length - suffix),
  }
}

/**
 * Maps a position through a delta: where the same spot is after the change. A remote insertion
 * exactly at the position pushes it right when `stickRight` (the caret stays after text others
 * type at it, as Yjs relative positions do by default); a deletion around it collapses it to the
 * deletion point.
 */
export function mapPosition(delta: readonly DeltaOp[], position: number, stickRight = true): number {
  let result = position
  let cursor = 0
  for (const op of delta) {
    if (op.retain !== undefined) {
      cursor += op.retain
    } else if (op.insert !== undefined) {
      const length = typeof op.insert === 'string' ? op.insert.length : 1
      if (cursor < result || (cursor === result && stickRight)) result += length
      cursor += length
    } else if (op.delete !== undefined) {
      if (cursor < result) result -= Math.min(op.delete, result - cursor)
    }
    if (cursor > result) break
  }
  return result
}

/** Maps a position through several deltas applied one after the other. */
export function mapPositionThrough(deltas: readonly (readonly DeltaOp[])[], position: number): number {
  return deltas.reduce((pos, delta) => mapPosition(delta, pos), position)
}

/**
 * Rebases a local change made against an old text onto a text that has since received `deltas`.
 * Returns the change to apply now and a function mapping positions of the locally edited text
 * (caret, selection) to positions in the final text.
 */
export function rebaseChange(
  change: TextChange,
  deltas: readonly (readonly DeltaOp[])[],
): { change: TextChange; mapLocal: (position: number) => number } {
  const start = mapPositionThrough(deltas, change.index)
  const end = Math.max(start, mapPositionThrough(deltas, change.index + change.remove))
  const rebased: TextChange = { index: start, remove: end - start, insert: change.insert }
  const insertEnd = change.index + change.insert.length
  const mapLocal = (position: number): number => {
    if (position <= change.index) return mapPositionThrough(deltas, position)
    if (position <= insertEnd) return start + (position - change.index)
    // After the edited range: map the corresponding old position, then shift by the edit.
    const old = position - change.insert.length + change.remove
    return mapPositionThrough(deltas, old) - rebased.remove + rebased.insert.length
  }
  return { change: rebased, mapLocal }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff
}
