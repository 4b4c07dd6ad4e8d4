// Screenshot of a report.html in headless Chromium (Debian's /usr/bin/chromium through
// playwright-core, a devDependency), for docs/:
//   node scripts/report-screenshot.mjs runs/compare-mlp/report.html docs/report-mlp.png [width]
// Fails when the page logs a console error. Same launch flags as test/helpers/chromium.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [html, png, width = '1200'] = process.argv.slice(2);
if (!html || !png) {
  console.error('usage: node scripts/report-screenshot.mjs <report.html> <out.png> [width]');
  process.exit(2);
}
const profile = mkdtempSync(join(tmpdir(), 'edgeqat-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.EDGEQAT_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: Number(width), height: 900 },
});
try {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(resolve(html)).href, { waitUntil: 'load' });
  await page.screenshot({ path: png, fullPage: true });
  if (errors.length) throw new Error(`console errors: ${errors.join('; ')}`);
  console.log(`wrote ${png}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
