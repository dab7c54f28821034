/** Questions asked on the terminal: a passphrase (never echoed) and yes/no confirmations. */
import { read } from 'read'

/** True when a person can answer questions. */
export function interactive(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY)
}

/** Asks for a secret without echoing it. */
export async function askSecret(prompt: string): Promise<string> {
  return read({ prompt, silent: true, replace: '', output: process.stderr })
}

/** Asks a yes/no question; anything but y or yes is no. */
export async function askYesNo(prompt: string): Promise<boolean> {
  const answer = await read({ prompt: `${prompt} [y/N] `, output: process.stderr })
  return /^y(es)?$/i.test(answer.trim())
}
