import { describe, expect, it } from 'vitest'
import { deviceAad, logAad, manifestAad, poolNamesAad, shardAad } from '../../src/inspect/sealed.ts'

// Associated data is wire format: a change here makes every sealed file of every pool unreadable.
describe('associated data of sealed pool files', () => {
  it('is pinned', () => {
    expect(logAad('pool1234', 'epoch123', 'device12', 7)).toBe('log:pool1234:epoch123:device12:7')
    expect(shardAad('pool1234', 'epoch123')).toBe('shard:pool1234:epoch123')
    expect(manifestAad('pool1234', 'epoch123', '000000000003-device12-abc123')).toBe(
      'manifest:pool1234:epoch123:000000000003-device12-abc123',
    )
    expect(deviceAad('pool1234', 'device12')).toBe('device:pool1234:device12')
    expect(poolNamesAad('pool1234', 'epoch123')).toBe('pool:pool1234:epoch123')
  })
})
