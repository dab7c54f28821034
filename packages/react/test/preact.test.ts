import { renderHook, waitFor } from '@testing-library/preact'
import * as compat from 'preact/compat'
import * as aliased from 'react'
import { expect, it } from 'vitest'
import { hookSuite } from './hooks-suite.ts'

it('runs the hooks on preact/compat (react is aliased to it in this project)', () => {
  expect(aliased.useSyncExternalStore).toBe(compat.useSyncExternalStore)
})

hookSuite('Preact through preact/compat', { renderHook, waitFor })
