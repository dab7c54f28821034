/** HTML escaping of the emulator's pages, and its inverse for reading them back (see approve.ts). */

/** Escapes text for an HTML attribute or element as numeric character references. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** Undoes {@link escapeHtml}. */
export function unescapeHtml(s: string): string {
  return s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
}
