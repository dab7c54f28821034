/**
 * Push: pack, persist, upload. Pending changes become one batch (one file per
 * push, however many documents changed), stored in the outbox before the
 * upload, then uploaded with mode `add`, so a crash anywhere leaves either
 * nothing or a batch that is re-uploaded byte for byte.
 */
import { contentHash } from '../content-hash.ts'
import { ConflictError } from '../errors.ts'
import { logAad } from '../format/aad.ts'
import { type BlobEntry, decodeBlob, encodeBlob } from '../format/blob.ts'
import type { LocalWrite } from '../local-store.ts'
import type { SyncContext } from './context.ts'
import { keys } from './local-state.ts'
import { writeInParts } from './write-parts.ts'

/** Largest batch body before a push is split into several files. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024

/** Packs every pending change into outbox batches. Returns how many batches were packed. */
export async function packPending(ctx: SyncContext): Promise<number> {
  const { core } = ctx
  await core.flush()
  return core.lock.run(async () => {
    const { state } = core
    if (core.pendingIds.size === 0 || !state.epoch || !state.poolId) return 0
    const ids = [...core.pendingIds].sort()
    const writes: LocalWrite[] = []
    let sealed = 0
    let entries: BlobEntry[] = []
    let size = 0
    const sealBatch = async () => {
      const seq = state.nextSeq
      const bytes = await encodeBlob(
        {
          kind: 'log',
          epoch: state.epoch!,
          deviceId: state.deviceId,
          seq,
          createdAt: core.options.now(),
          entries,
        },
        { cipher: ctx.cipher, aad: logAad(state.poolId!, state.epoch!, state.deviceId, seq) },
      )
      writes.push([keys.outbox(seq), bytes])
      core.outbox.set(
        seq,
        entries.map((e) => e.docId),
      )
      // Taken only once the batch is encoded: a failure leaves no seq used and unsent.
      core.device.allocateSeq()
      sealed++
      entries = []
      size = 0
    }
    const cleared: LocalWrite[][] = []
    for (const id of ids) {
      const update = await core.store.get(keys.pending(id))
      cleared.push([[keys.pending(id), undefined]])
      if (!update) continue
      const index = core.index.get(id)
      const entry: BlobEntry = {
        docId: id,
        update,
        deleted: index?.deleted ?? false,
        updatedAt: index?.updatedAt ?? 0,
      }
      if (index?.summaryDirty) {
        entry.summary = index.summary
        core.index.set(id, { ...index, summaryDirty: false })
      }
      entries.push(entry)
      size += update.length
      if (size >= MAX_BATCH_BYTES) await sealBatch()
    }
    if (entries.length > 0) await sealBatch()
    core.pendingIds.clear()
    // The sealed batches and the seqs they took are one write. Clearing the pending marks and the
    // summaries' dirty flags may follow in parts (IndexedDB): a crash before them sends those
    // changes once more, which merging ignores.
    await writeInParts(core.store, writes, [...cleared, ...core.index.takeWriteGroups()], (w) =>
      core.saveState(w),
    )
    return sealed
  })
}

/** Loads the outbox index (seq → document ids) after a restart. */
export async function loadOutbox(ctx: SyncContext): Promise<void> {
  const { core } = ctx
  for (const key of await core.store.keys(keys.outboxPrefix)) {
    const seq = Number(key.slice(keys.outboxPrefix.length))
    const bytes = await core.store.get(key)
    if (!bytes) continue
    const content = await decodeBlob(bytes, { cipher: ctx.cipher, aad: outboxAad(ctx, seq), path: key })
    core.outbox.set(
      seq,
      content.entries.map((e) => e.docId),
    )
  }
}

/**
 * Uploads the outbox in seq order. A conflict on this device's own path means
 * another device uses the same id (a clone or a restored backup): this device
 * takes a new id, re-seals its outbox under it, and uploads again.
 */
export async function uploadOutbox(ctx: SyncContext): Promise<void> {
  const { core, view } = ctx
  for (let attempt = 0; attempt < 3; attempt++) {
    let collided = false
    for (const seq of [...core.outbox.keys()].sort((a, b) => a - b)) {
      const { state } = core
      const path = core.layout.log(state.epoch!, state.deviceId, seq)
      const bytes = await core.store.get(keys.outbox(seq))
      if (!bytes) {
        core.outbox.delete(seq)
        continue
      }
      if (await isTaken(ctx, seq, bytes)) {
        collided = true
        break
      }
      try {
        view.noteWritten(await ctx.remote.put(path, bytes, 'add'))
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error
        collided = true
        break
      }
      await core.lock.run(async () => {
        core.outbox.delete(seq)
        await core.store.write([[keys.outbox(seq), undefined]])
      })
    }
    if (!collided) return
    await takeNewDeviceId(ctx)
  }
  throw new ConflictError(core.layout.root, 'could not find a free device id after 3 tries; try again later')
}

/** True when another device already wrote (or a snapshot already covers) this seq under our id. */
async function isTaken(ctx: SyncContext, seq: number, bytes: Uint8Array): Promise<boolean> {
  const { state } = ctx.core
  const listed = ctx.view.epoch(state.epoch!).logs.get(state.deviceId)?.get(seq)
  if (listed) return listed.contentHash !== (await contentHash(bytes))
  // A snapshot already claims this seq: its log may have been deleted after compaction.
  return ctx.view
    .cache(state.epoch!)
    .knownCoverage()
    .some((coverage) => (coverage[state.deviceId] ?? 0) >= seq)
}

/**
 * Gives this device a fresh id and re-seals its unsent batches under it.
 * Batches already on the remote under the old id stay there (they are
 * shared history); coverage of the old id falls back to what was uploaded,
 * so the other device's files under that id are pulled.
 */
export async function takeNewDeviceId(ctx: SyncContext): Promise<void> {
  const { core } = ctx
  await core.lock.run(async () => {
    const { state } = core
    const seqs = [...core.outbox.keys()].sort((a, b) => a - b)
    const writes: LocalWrite[] = []
    const batches = []
    for (const seq of seqs) {
      const bytes = await core.store.get(keys.outbox(seq))
      writes.push([keys.outbox(seq), undefined])
      if (bytes)
        batches.push(
          await decodeBlob(bytes, { cipher: ctx.cipher, aad: outboxAad(ctx, seq), path: keys.outbox(seq) }),
        )
    }
    const newId = core.device.changeId(seqs[0] ?? state.nextSeq)
    core.outbox.clear()
    for (const batch of batches) {
      const seq = core.device.allocateSeq()
      const content = { ...batch, deviceId: newId, seq }
      writes.push([
        keys.outbox(seq),
        await encodeBlob(content, {
          cipher: ctx.cipher,
          aad: logAad(state.poolId!, state.epoch!, newId, seq),
        }),
      ])
      core.outbox.set(
        seq,
        batch.entries.map((e) => e.docId),
      )
    }
    await core.saveState(writes)
  })
}

function outboxAad(ctx: SyncContext, seq: number): string {
  const { state } = ctx.core
  return logAad(state.poolId ?? '', state.epoch ?? '', state.deviceId, seq)
}

/** Marks every local document as pending, so joining a pool merges the whole local diary in. */
export async function markAllPending(ctx: SyncContext): Promise<void> {
  const { core } = ctx
  await core.lock.run(async () => {
    const writes: LocalWrite[] = []
    for (const key of await core.store.keys(keys.docPrefix)) {
      const id = key.slice(keys.docPrefix.length)
      const doc = await core.store.get(key)
      if (!doc) continue
      // Pending changes are part of the stored document already.
      writes.push([keys.pending(id), doc])
      core.pendingIds.add(id)
      const entry = core.index.get(id)
      if (entry?.summary !== undefined) core.index.set(id, { ...entry, summaryDirty: true })
    }
    writes.push(...core.index.takeWrites())
    await core.saveState(writes)
  })
}
