/** Waits until `check()` holds, polling every 5 ms; rejects naming `what` after `ms`. */
export function until(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const start = Date.now()
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) return resolve()
      if (Date.now() - start > ms) return reject(new Error(`timed out waiting for ${what}`))
      setTimeout(tick, 5)
    }
    tick()
  })
}
