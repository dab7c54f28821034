/**
 * Keeps tokens out of error messages. Dropbox echoes a bad `Authorization`
 * header in its 400 bodies, and the SDK puts the refresh token in the token
 * endpoint's query string, so anything built from a failure is passed through
 * here before it reaches a message.
 */

/** Replaces every occurrence of the given secrets, and any bearer token, by `[redacted]`. */
export function redact(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let out = text.replace(/(Bearer|Basic)\s+[^\s"',;]+/gi, '$1 [redacted]')
  out = out.replace(
    /((?:refresh|access)_token|code_verifier|code|client_secret)=[^&\s"']+/gi,
    '$1=[redacted]',
  )
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]')
  }
  return out
}

/**
 * A copy of a failure that is safe to keep as `cause`: its name, redacted
 * message and HTTP status, without nested objects that may hold request data.
 */
export function safeCause(error: unknown, secrets: ReadonlyArray<string | undefined> = []): Error {
  const source = error instanceof Error ? error : undefined
  const copy = new Error(redact(source ? source.message : String(error), secrets))
  copy.name = source?.name ?? 'Error'
  const status = (error as { status?: unknown } | undefined)?.status
  if (typeof status === 'number') Object.assign(copy, { status })
  const code = (source?.cause as { code?: unknown } | undefined)?.code
  if (typeof code === 'string') Object.assign(copy, { code })
  return copy
}
