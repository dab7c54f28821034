/**
 * `users/get_current_account` and `auth/token/revoke`.
 */
import type { Reply, RouteContext } from '../state.ts'

/** `users/get_current_account`: a fixed profile for the token's account. */
export async function getCurrentAccount(ctx: RouteContext): Promise<Reply> {
  const accountId = ctx.grant?.accountId ?? ''
  return {
    json: {
      account_id: accountId,
      name: {
        given_name: 'Emulated',
        surname: 'User',
        familiar_name: 'Emulated',
        display_name: 'Emulated User',
        abbreviated_name: 'EU',
      },
      email: 'user@dropbox-emulator.invalid',
      email_verified: true,
      disabled: false,
      locale: 'en',
      referral_link: 'https://www.dropbox.com/referrals/emulator',
      is_paired: false,
      account_type: { '.tag': 'basic' },
      root_info: { '.tag': 'user', root_namespace_id: '1', home_namespace_id: '1' },
      country: 'US',
    },
  }
}

/** `auth/token/revoke`: disables the calling token (and its refresh token); answers `null`. */
export async function revokeToken(ctx: RouteContext): Promise<Reply> {
  if (ctx.token !== undefined) ctx.state.tokens.revoke(ctx.token)
  await ctx.state.durable()
  return { json: null }
}
