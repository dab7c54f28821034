/**
 * Accessibility checks for the browser tests: an axe-core audit of the screen a page shows (through
 * @axe-core/playwright, which drives playwright-core pages), failing on any serious or critical
 * violation, with every result kept in `.test-results/axe.json` for the record; and whether the
 * focused element shows a visible focus ring.
 */
import { appendFileSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { AxeBuilder } from '@axe-core/playwright'
import type { Page } from 'playwright-core'
import { expect } from 'vitest'

const RESULTS = fileURLToPath(new URL('../../../../.test-results/', import.meta.url))

/** One audit, as recorded. */
export interface AxeRecord {
  screen: string
  violations: Array<{ id: string; impact: string | null | undefined; nodes: number }>
  passes: number
}

/** Audits what `page` shows now (WCAG 2.1 A/AA and best practices); fails on serious or critical. */
export async function expectAccessible(page: Page, screen: string): Promise<AxeRecord> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze()
  const record: AxeRecord = {
    screen,
    violations: results.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })),
    passes: results.passes.length,
  }
  mkdirSync(RESULTS, { recursive: true })
  appendFileSync(`${RESULTS}axe.jsonl`, `${JSON.stringify(record)}\n`)
  const blocking = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${screen}: ${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  expect(blocking).toEqual([])
  return record
}

/** The focused element's outline, as drawn: width in px and style. */
export async function focusRing(page: Page): Promise<{ tag: string; width: number; style: string }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null
    if (!el || el === document.body) return { tag: 'body', width: 0, style: 'none' }
    const css = getComputedStyle(el)
    return {
      tag: el.tagName.toLowerCase(),
      width: Number.parseFloat(css.outlineWidth),
      style: css.outlineStyle,
    }
  })
}

/** Fails unless the focused element shows a focus ring at least 2 px wide. */
export async function expectVisibleFocus(page: Page): Promise<void> {
  const ring = await focusRing(page)
  expect(ring.tag).not.toBe('body')
  expect(ring.style).not.toBe('none')
  expect(ring.width).toBeGreaterThanOrEqual(2)
}
