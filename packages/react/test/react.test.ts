import { renderHook, waitFor } from '@testing-library/react'
import { hookSuite } from './hooks-suite.ts'

hookSuite('React', { renderHook, waitFor })
