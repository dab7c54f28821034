/** Runs async tasks with at most `concurrency` in flight, first come first served. */
export class Limiter {
  readonly #concurrency: number
  #running = 0
  readonly #waiting: Array<() => void> = []

  /** @param concurrency - how many tasks may run at once (at least 1). */
  constructor(concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`)
    }
    this.#concurrency = concurrency
  }

  /** Tasks running now. */
  get running(): number {
    return this.#running
  }

  /** Runs `task` when a slot is free and resolves or rejects with its outcome. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#concurrency) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve))
    } else {
      this.#running++
    }
    try {
      return await task()
    } finally {
      const next = this.#waiting.shift()
      // The slot passes straight to the next waiter, so `running` stays the same.
      if (next) next()
      else this.#running--
    }
  }
}

/** Maps `items` through `task` with at most `concurrency` in flight; results keep the input order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const limiter = new Limiter(concurrency)
  return Promise.all(items.map((item, index) => limiter.run(() => task(item, index))))
}
