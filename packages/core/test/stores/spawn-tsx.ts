/** Starts a TypeScript script in a child Node process (through tsx) and collects its output. */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Spawns `node --import tsx <fixture> ...args` for a file in `fixtures/`. */
export function spawnFixture(fixture: string, args: string[]): ChildProcess {
  const script = fileURLToPath(new URL(`./fixtures/${fixture}`, import.meta.url))
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/** Waits for the child to exit; resolves its stdout, rejects with its stderr when it failed. */
export function finished(child: ChildProcess): Promise<string> {
  let out = ''
  let err = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString()
  })
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(out)
      else reject(new Error(`child exited with ${code ?? signal}: ${err}`))
    })
  })
}
