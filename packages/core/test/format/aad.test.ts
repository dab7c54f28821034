import { describe, expect, it } from 'vitest'
import { deviceAad, logAad, manifestAad, poolAad, shardAad } from '../../src/format/aad.ts'

describe('associated data of sealed things (wire format: these strings never change)', () => {
  it('pins each builder', () => {
    expect(logAad('p0', 'e1', 'd2', 7)).toBe('log:p0:e1:d2:7')
    expect(shardAad('p0', 'e1')).toBe('shard:p0:e1')
    expect(manifestAad('p0', 'e1', '000000000003-d2-abc')).toBe('manifest:p0:e1:000000000003-d2-abc')
    expect(poolAad('p0', 'e1')).toBe('pool:p0:e1')
    expect(deviceAad('p0', 'd2')).toBe('device:p0:d2')
  })
})
