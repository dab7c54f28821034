/**
 * Dropbox paths: case-insensitive, compared by their lower-case form; the root folder is `""`.
 */

/** A path as the client wrote it and its lower-case key. */
export interface ParsedPath {
  /** As written by the client (`/Diary/Log.ydu`); `""` for the root. */
  display: string
  /** Lower-case key (`/diary/log.ydu`); `""` for the root. */
  lower: string
}

/** Lower-case key of a path, the way Dropbox fills `path_lower`. */
export function lowerPath(path: string): string {
  return path.toLowerCase()
}

/**
 * Parses a client path. Returns `undefined` when Dropbox would call it malformed: not starting
 * with `/`, a trailing `/`, empty, `.` or `..` segments, or NUL characters. The root is `""`.
 */
export function parsePath(path: string): ParsedPath | undefined {
  if (path === '') return { display: '', lower: '' }
  if (!path.startsWith('/') || path.endsWith('/') || path.includes('\0')) return undefined
  const segments = path.slice(1).split('/')
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return undefined
  return { display: path, lower: lowerPath(path) }
}

/** Parent folder key of a non-root key (`""` for top-level entries). */
export function parentOf(lower: string): string {
  return lower.slice(0, lower.lastIndexOf('/'))
}

/** Last segment of a path (`Log.ydu` of `/Diary/Log.ydu`). */
export function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

/** Every ancestor key of a non-root key, from the top down, excluding the root and itself. */
export function ancestorsOf(lower: string): string[] {
  const out: string[] = []
  for (let i = lower.indexOf('/', 1); i !== -1; i = lower.indexOf('/', i + 1)) out.push(lower.slice(0, i))
  return out
}

/**
 * Whether `lower` lies in the folder `folder` (both keys): a direct child, or any descendant
 * when `recursive`. With `recursive`, the folder itself counts too, as in Dropbox's recursive
 * listings of a non-root folder.
 */
export function isInFolder(lower: string, folder: string, recursive: boolean): boolean {
  if (recursive) return lower === folder ? folder !== '' : lower.startsWith(`${folder}/`)
  return lower !== folder && parentOf(lower) === folder
}
