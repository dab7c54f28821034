#!/usr/bin/env node
// Renders public/icon.svg to the PNG icons the web app manifest lists (192 and 512 px, and a
// maskable 512 px one with the safe-zone padding), with the Chromium the browser tests use.
// Run after changing the SVG: node packages/demo-app/scripts/make-icons.mjs
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = (path) => fileURLToPath(new URL(path, import.meta.url))
const found = spawnSync(process.execPath, [here('../../../scripts/ensure-chromium.mjs')], {
  encoding: 'utf8',
})
const executablePath = found.stdout.trim().split('\n').pop()
if (found.status !== 0 || !executablePath) throw new Error('no Chromium (see scripts/ensure-chromium.mjs)')
const svg = readFileSync(here('../public/icon.svg'), 'utf8')
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] })
try {
  for (const [name, size, padding] of [
    ['icon-192.png', 192, 0],
    ['icon-512.png', 512, 0],
    ['icon-maskable-512.png', 512, 0.1],
  ]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } })
    const inner = Math.round(size * (1 - 2 * padding))
    await page.setContent(
      `<body style="margin:0;background:#0f766e;display:grid;place-items:center;height:${size}px">` +
        `<div style="width:${inner}px;height:${inner}px">${svg.replace('<svg ', `<svg width="${inner}" height="${inner}" `)}</div></body>`,
    )
    await page.screenshot({ path: here(`../public/${name}`) })
    await page.close()
  }
} finally {
  await browser.close()
}
