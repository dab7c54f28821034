/** A first-come, first-served async lock. */
export class Mutex {
  #tail: Promise<void> = Promise.resolve()

  /** Runs `task` once every earlier task has settled; returns its result. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task)
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    )
    return result
  }
}
