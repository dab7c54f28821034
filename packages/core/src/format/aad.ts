/**
 * The associated data bound to each sealed thing in an encrypted pool: AES-GCM
 * authenticates it with the ciphertext, so a sealed file or field cannot be
 * moved to another place in the pool (another device, seq, epoch or pool)
 * and still open. These strings are wire format: changing one makes every
 * existing pool unreadable, so `aad.test.ts` pins each.
 */

/** A device's log batch: bound to its pool, epoch, device and seq. */
export function logAad(poolId: string, epoch: string, deviceId: string, seq: number): string {
  return `log:${poolId}:${epoch}:${deviceId}:${seq}`
}

/** A snapshot shard: bound to its pool and epoch (its name is its hash). */
export function shardAad(poolId: string, epoch: string): string {
  return `shard:${poolId}:${epoch}`
}

/** A snapshot manifest's sealed body: bound to its pool, epoch and file name. */
export function manifestAad(poolId: string, epoch: string, name: string): string {
  return `manifest:${poolId}:${epoch}:${name}`
}

/** The sealed names of `pool.json`: bound to the pool and the epoch it names. */
export function poolAad(poolId: string, epoch: string): string {
  return `pool:${poolId}:${epoch}`
}

/** A device record's sealed body: bound to its pool and device. */
export function deviceAad(poolId: string, deviceId: string): string {
  return `device:${poolId}:${deviceId}`
}
