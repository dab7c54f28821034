/**
 * What a device learned about one epoch's remote files beyond the listing:
 * parsed snapshot manifests and gaps in devices' logs. It belongs to one
 * epoch and is dropped when the device moves to another (see
 * `RemoteView.cache`), so nothing of an old epoch leaks into a new one.
 */
import type { NamedManifest } from './records.ts'

/** Caches of one epoch. */
export class EpochCache {
  /** Parsed snapshot manifests by path, with the rev they were read at. */
  readonly manifests = new Map<string, { rev: string; manifest: NamedManifest }>()
  /** Gaps in devices' logs seen while later files are listed: `device/seq` → rounds seen. */
  readonly gaps = new Map<string, number>()

  constructor(
    /** The epoch this cache belongs to. */
    readonly epoch: string,
  ) {}

  /** The coverage vectors of every manifest read in this epoch. */
  knownCoverage(): Array<Readonly<Record<string, number>>> {
    return [...this.manifests.values()].map((m) => m.manifest.coverage)
  }
}
