/**
 * The pool-level operations of the original product's Device Sync Services
 * screen: activate (create or join), upload and download the master
 * database, and delete all sync data.
 */
import { createEncryption } from '../crypto/passphrase.ts'
import { ConflictError, PassphraseError, PoolDeletedError, YDropboxError } from '../errors.ts'
import { poolAad } from '../format/aad.ts'
import { randomId } from '../ids.ts'
import type { LocalWrite } from '../local-store.ts'
import { encodeRecord, type PoolRecord, RECORD_VERSION } from '../remote/records.ts'
import { backupName, backupWritesLocked, keepLateEdit } from './backups.ts'
import type { SyncContext } from './context.ts'
import { openJson, sealJson, setCipher, useKey } from './encryption.ts'
import { keys } from './local-state.ts'
import { type CurrentPool, checkPool, readPool } from './pool-check.ts'
import { markAllPending } from './push.ts'
import { applySnapshot, readAllDocsLocked, readNewestManifest, writeSnapshot } from './snapshot.ts'
import { serviceName } from './words.ts'

/** What `activatePool` did, and the pool record it verified (the first round need not read it again). */
export interface Activation {
  outcome: 'created' | 'joined'
  current: CurrentPool
}

/**
 * Creates the pool from this device's database (its first snapshot), or joins
 * the existing one with every local document queued for upload, so nothing
 * local is lost. `passphrase` encrypts a pool it creates and unlocks one it
 * joins.
 */
export async function activatePool(ctx: SyncContext, passphrase: string | undefined): Promise<Activation> {
  const { core } = ctx
  const existing = await readPool(ctx)
  if (existing) return { outcome: 'joined', current: await join(ctx, existing, passphrase) }
  const now = core.options.now()
  const poolId = randomId()
  const epoch = randomId(10)
  const previousKey = ctx.key
  const encryption = passphrase === undefined ? undefined : await createEncryption(passphrase)
  setCipher(ctx, encryption?.key)
  const docs = await core.lock.run(() => readAllDocsLocked(ctx))
  const pool = await poolRecord(ctx, {
    format: RECORD_VERSION,
    poolId,
    epoch,
    createdBy: core.state.deviceName,
    epochBy: core.state.deviceName,
    epochAt: now,
    createdAt: now,
    ...(encryption ? { encryption: { ...encryption.params } } : {}),
  })
  let rev = ''
  try {
    // The snapshot goes first: a pool is never visible without its starting copy.
    await writeSnapshot(ctx, { poolId, epoch }, {}, docs)
    const written = await ctx.remote.put(core.layout.pool, encodeRecord(pool), 'add')
    ctx.view.noteWritten(written)
    rev = written.rev
  } catch (error) {
    setCipher(ctx, previousKey)
    if (!(error instanceof ConflictError)) throw error
    // Another device created the pool at the same moment: join theirs.
    const theirs = await readPool(ctx)
    if (!theirs) throw error
    return { outcome: 'joined', current: await join(ctx, theirs, passphrase) }
  }
  await core.lock.run(async () => {
    core.device.enterEpoch({ poolId, epoch, snapshotApplied: true })
    await core.saveState(clearSyncKeys(core))
  })
  await useKey(ctx, encryption?.key)
  return { outcome: 'created', current: { pool, rev } }
}

async function join(
  ctx: SyncContext,
  current: CurrentPool,
  passphrase: string | undefined,
): Promise<CurrentPool> {
  const { core } = ctx
  const { pool } = current
  if (!pool.encryption && passphrase !== undefined) {
    throw new PassphraseError(
      'the sync data is not encrypted, so a passphrase cannot be used to join it; ' +
        'activate without one, or encrypt the pool from a device in it (change passphrase)',
    )
  }
  if (!pool.encryption) setCipher(ctx, undefined)
  // A wrong passphrase is refused here, before anything is written or applied.
  await checkPool(ctx, current, passphrase)
  const sameEpoch = core.state.poolId === pool.poolId && core.state.epoch === pool.epoch
  await core.lock.run(async () => {
    // Back in the epoch it left: its sealed batches are uploaded as they are, under the
    // seqs they were given, so its log never has a hole. Batches of another epoch or
    // pool cannot go there; their content is in the documents, all pushed again below.
    if (sameEpoch) {
      core.device.resume()
      await core.saveState()
    } else {
      core.device.enterEpoch({ poolId: pool.poolId, epoch: pool.epoch, snapshotApplied: false })
      await core.saveState(dropOutbox(core))
    }
  })
  // In the same epoch everything local is uploaded, sealed or pending already.
  if (!sameEpoch) await markAllPending(ctx)
  return current
}

/**
 * Starts a new epoch from this device's database: writes its snapshot, then
 * moves `pool.json` to it with compare-and-swap. Other devices stop pushing to
 * the old epoch and are offered the download.
 */
export async function uploadMaster(
  ctx: SyncContext,
  passphrase: string | undefined,
  newPassphrase?: string,
): Promise<void> {
  const { core } = ctx
  const current = await readPool(ctx)
  if (!current || current.pool.poolId !== core.state.poolId) {
    throw new PoolDeletedError('the sync data is gone; activate sync again to create it', {
      replaced: current !== undefined,
    })
  }
  await checkPool(ctx, current, passphrase)
  const previousKey = ctx.key
  const encryption = newPassphrase === undefined ? undefined : await createEncryption(newPassphrase)
  if (encryption) setCipher(ctx, encryption.key)
  const epoch = randomId(10)
  const docs = await core.lock.run(() => readAllDocsLocked(ctx))
  try {
    await writeSnapshot(ctx, { poolId: current.pool.poolId, epoch }, {}, docs)
    const now = core.options.now()
    const pool = await poolRecord(ctx, {
      ...current.pool,
      ...(encryption ? { encryption: { ...encryption.params } } : {}),
      epoch,
      createdBy: current.pool.createdBy || (await poolAuthors(ctx, current.pool)).createdBy,
      epochBy: core.state.deviceName,
      epochAt: now,
      generation: (current.pool.generation ?? 0) + 1,
    })
    ctx.view.noteWritten(await ctx.remote.put(core.layout.pool, encodeRecord(pool), { update: current.rev }))
    core.device.acceptGeneration(pool.generation ?? 0)
  } catch (error) {
    setCipher(ctx, previousKey)
    if (error instanceof ConflictError) {
      throw new ConflictError(
        core.layout.pool,
        'another device changed the sync pool at the same moment; try again',
      )
    }
    throw error
  }
  if (encryption) await useKey(ctx, encryption.key)
  await core.lock.run(async () => {
    core.device.enterEpoch({ poolId: current.pool.poolId, epoch, snapshotApplied: true })
    await core.saveState(clearSyncKeys(core))
  })
}

/**
 * Replaces the local database by the pool's current epoch. The local
 * documents are first saved as a backup blob; unsent changes are discarded.
 */
export async function downloadMaster(
  ctx: SyncContext,
  passphrase: string | undefined,
): Promise<{ backup: string; replaced: string[] }> {
  const { core } = ctx
  const current = await readPool(ctx)
  if (!current || current.pool.poolId !== core.state.poolId) {
    throw new PoolDeletedError('there is no master database for this device any more; activate sync first', {
      replaced: current !== undefined,
    })
  }
  await checkPool(ctx, current, passphrase)
  const { pool } = current
  const done = await core.lock.run(async () => {
    const backup = backupName(core.options.now())
    // Docs the app holds stop syncing now; what is typed into them from here on joins the backup.
    const replaced = await core.supersedeLiveLocked((id, doc) => keepLateEdit(core, backup, id, doc))
    const taken = await backupWritesLocked(ctx, backup, 'download-master')
    // Discarded batches were never uploaded: their seqs are reused, so the log has no gap.
    const firstUnsent = Math.min(core.state.nextSeq, ...core.outbox.keys())
    const writes: LocalWrite[] = [...taken.writes, ...clearSyncKeys(core)]
    for (const key of await core.store.keys(keys.docPrefix)) writes.push([key, undefined])
    core.index.clear()
    writes.push(...core.index.takeWrites())
    const sameEpoch = core.state.epoch === pool.epoch
    // Our own uploaded batches stay valid: continue after them, pull them back like anyone's.
    const listed = [...(ctx.view.epoch(pool.epoch).logs.get(core.state.deviceId)?.keys() ?? [])]
    const nextSeq = Math.max(sameEpoch ? firstUnsent : 1, ...listed.map((s) => s + 1))
    // Whole again only once a round has pulled every log after the snapshot too.
    core.device.enterEpoch({
      poolId: pool.poolId,
      epoch: pool.epoch,
      nextSeq,
      snapshotApplied: false,
      catchingUp: true,
    })
    await core.saveState(writes)
    return { backup, replaced }
  })
  await ctx.view.refresh()
  const files = ctx.view.epoch(pool.epoch)
  const newest = await readNewestManifest(ctx, files)
  if (newest) await applySnapshot(ctx, newest)
  return done
}

/** Deletes the pool folder: `pool.json` first (so other devices stop at once), then the rest, then checks. */
export async function deletePool(ctx: SyncContext): Promise<void> {
  const { core, remote } = ctx
  await remote.delete([core.layout.pool])
  for (let attempt = 0; attempt < 3; attempt++) {
    const { entries } = await remote.list(core.layout.root)
    if (entries.length === 0) break
    const paths = entries.map((e) => e.path)
    for (let i = 0; i < paths.length; i += 1000) await remote.delete(paths.slice(i, i + 1000))
  }
  const { entries } = await remote.list(core.layout.root)
  if (entries.length > 0) {
    throw new YDropboxError(
      `${entries.length} sync files could not be deleted from ${serviceName(remote)}; try again`,
    )
  }
  ctx.view.reset()
}

/** Deletes this device's own log files and record from the pool folder (after the pool was deleted). */
export async function removeOwnFiles(ctx: SyncContext): Promise<number> {
  const { core, remote } = ctx
  const id = core.state.deviceId
  const { entries } = await remote.list(core.layout.root)
  const own = entries
    .map((e) => e.path)
    .filter(
      (path) =>
        path === core.layout.device(id) ||
        (core.layout.parseEpochPath(path)?.type === 'log' && path.includes(`/log/${id}/`)),
    )
  if (own.length > 0) await remote.delete(own)
  ctx.view.reset()
  return own.length
}

/** LocalStore deletions of the outbox and pending keys (their content is in the documents). */
function clearSyncKeys(core: SyncContext['core']): LocalWrite[] {
  const writes = dropOutbox(core)
  for (const id of core.pendingIds) writes.push([keys.pending(id), undefined])
  core.pendingIds.clear()
  return writes
}

/** LocalStore deletions of the sealed batches (their content is in the documents). */
function dropOutbox(core: SyncContext['core']): LocalWrite[] {
  const writes: LocalWrite[] = []
  for (const seq of core.outbox.keys()) writes.push([keys.outbox(seq), undefined])
  core.outbox.clear()
  return writes
}

/**
 * A pool record as written: in an encrypted pool the device names move into
 * a sealed field, so the folder shows no names.
 */
export async function poolRecord(ctx: SyncContext, pool: PoolRecord): Promise<PoolRecord> {
  if (!ctx.cipher) return pool
  // The epoch's time and generation are sealed too, so an edited or replayed pool.json is noticed.
  const names = {
    createdBy: pool.createdBy,
    epochBy: pool.epochBy,
    epochAt: pool.epochAt,
    generation: pool.generation ?? 0,
  }
  return {
    ...pool,
    createdBy: '',
    epochBy: '',
    names: await sealJson(ctx, names, poolAad(pool.poolId, pool.epoch)),
  }
}

/** Who created the pool and started its current epoch, read through the seal when it is encrypted. */
export async function poolAuthors(
  ctx: SyncContext,
  pool: PoolRecord,
): Promise<{ createdBy: string; epochBy: string }> {
  if (pool.epochBy || !pool.names)
    return { createdBy: pool.createdBy, epochBy: pool.epochBy || 'another device' }
  const names = await openJson<{ createdBy?: string; epochBy?: string }>(
    ctx,
    pool.names,
    poolAad(pool.poolId, pool.epoch),
  )
  return { createdBy: names?.createdBy ?? '', epochBy: names?.epochBy ?? 'another device' }
}
