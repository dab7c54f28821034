/**
 * `y-dropbox link`: links a Dropbox account (or the emulator) with the
 * provider's PKCE loopback flow and keeps the tokens in the user's config
 * folder, readable by the user only. Tokens are never printed.
 */
import { linkWithLoopback } from '@y-dropbox/dropbox-provider/node'
import type { Command } from 'commander'
import { saveSettings, tokenStore } from '../config.ts'
import { CliError, OK } from '../errors.ts'

interface LinkOptions {
  appKey?: string
  emulator?: string
  port: string
  timeout: string
}

export function linkCommand(program: Command, done: (code: number) => void): void {
  program
    .command('link')
    .description(
      'Link Dropbox: open the printed address, approve, and the tokens are kept (mode 0600) in the config folder for the other verbs',
    )
    .option('--app-key <key>', 'the Dropbox app key (or $Y_DROPBOX_APP_KEY)')
    .option('--emulator <url>', 'link a y-dropbox Dropbox emulator instead of Dropbox')
    .option(
      '--port <n>',
      'port of the redirect on 127.0.0.1; http://127.0.0.1:<port>/callback must be a redirect URI of the app',
      '53682',
    )
    .option('--timeout <s>', 'how long to wait for the approval, in seconds', '300')
    .action(async (options: LinkOptions) => {
      const appKey = options.appKey ?? process.env.Y_DROPBOX_APP_KEY
      if (!appKey) throw new CliError('link needs the Dropbox app key: --app-key <key>')
      const port = Number(options.port)
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new CliError(`--port must be a port number, not "${options.port}"`)
      const timeout = Number(options.timeout)
      if (!(timeout > 0))
        throw new CliError(`--timeout must be a number of seconds, not "${options.timeout}"`)
      const store = tokenStore(appKey)
      const tokens = await linkWithLoopback({
        appKey,
        port,
        tokenStore: store,
        timeoutMs: timeout * 1000,
        ...(options.emulator ? { emulatorUrl: options.emulator } : {}),
        open: (url) => {
          process.stderr.write(
            `Open this address in a browser and approve the link:\n\n  ${url}\n\nWaiting…\n`,
          )
        },
      })
      await saveSettings({ appKey, ...(options.emulator ? { emulatorUrl: options.emulator } : {}) })
      process.stdout.write(
        `Linked${tokens.accountId ? ` account ${tokens.accountId}` : ''}. Tokens are in ${store.file} (readable by you only).\n`,
      )
      done(OK)
    })
}
