/**
 * Browser end-to-end: `lowrank demo --report` writes report.html, and headless Chromium
 * (Debian's `chromium`, driven by playwright-core; .ci/run installs it) opens it offline and
 * takes screenshots. Outside CI the suite is skipped when no Chromium is installed.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { runCli, tempDir } from './run-cli.js';

const CHROMIUM = process.env.LOWRANK_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const skip = !existsSync(CHROMIUM) && !process.env.CI ? `no Chromium at ${CHROMIUM} (apt-get install chromium)` : false;

/** Variance of the grey level and share of coloured pixels (max − min channel > 40) of a PNG screenshot. */
async function pixelStats(png: Buffer): Promise<{ variance: number; colored: number; width: number; height: number }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const n = info.width * info.height;
  let sum = 0;
  let sum2 = 0;
  let colored = 0;
  for (let i = 0; i < n; i++) {
    const r = data[i * 3];
    const g = data[i * 3 + 1];
    const b = data[i * 3 + 2];
    const y = 0.299 * r + 0.587 * g + 0.114 * b;
    sum += y;
    sum2 += y * y;
    if (Math.max(r, g, b) - Math.min(r, g, b) > 40) colored++;
  }
  const mean = sum / n;
  return { variance: sum2 / n - mean * mean, colored: colored / n, width: info.width, height: info.height };
}

describe('report.html in headless Chromium', { skip }, () => {
  let browser: Browser;
  let page: Page;
  let reportPath: string;
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  before(async () => {
    const dir = tempDir();
    const r = runCli(['demo', '--report', '--epochs', '200', '--no-png', '--out', join(dir, 'out')], dir);
    assert.equal(r.code, 0, r.stderr);
    reportPath = join(dir, 'out', 'report.html');
    assert.ok(existsSync(reportPath), 'report.html written');
    assert.ok(!existsSync(join(dir, 'out', 'loss.png')), '--no-png writes no PNG');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 60_000 });
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, offline: true });
    page = await context.newPage();
    page.on('request', (req) => requests.push(req.url()));
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
  });

  after(async () => {
    await browser?.close();
  });

  it('opens offline: nothing but the file itself and inline data is requested, no errors', async () => {
    await page.goto(pathToFileURL(reportPath).href, { waitUntil: 'load' });
    const outside = requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'));
    assert.deepEqual(outside, [], 'no network requests');
    assert.deepEqual(consoleErrors, [], 'no console errors (e.g. CSP violations)');
  });

  it('the titles are in the page', async () => {
    assert.equal(await page.title(), 'lowrank demo: the seed article’s experiment');
    const text = (await page.textContent('body')) ?? '';
    for (const t of ['Parameters', 'Metrics', 'Original: 100*50', 'Compressed: 100*10+10*50', 'Residual A − UV (rank 10, adam)', 'Training loss per epoch (adam), rank 10', 'Singular values', 'Error and energy against rank', 'optimum (truncated SVD)', 'Approximation error (Frobenius norm)']) {
      assert.ok(text.includes(t), `'${t}' in the page`);
    }
  });

  it('the figures render: each figure well above a blank page in pixel variance; heatmaps in colour', async () => {
    const full = await pixelStats(await page.screenshot({ fullPage: true }));
    const figures = page.locator('figure');
    assert.equal(await figures.count(), 4);
    const stats = [];
    for (let i = 0; i < 4; i++) {
      const box = await figures.nth(i).boundingBox();
      assert.ok(box && box.width > 400 && box.height > 300, `figure ${i} laid out: ${JSON.stringify(box)}`);
      stats.push(await pixelStats(await figures.nth(i).screenshot()));
    }
    const blankPage = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await blankPage.setContent('<!DOCTYPE html><html><body></body></html>');
    const blank = await pixelStats(await blankPage.screenshot());
    await blankPage.close();
    assert.ok(blank.variance < 1, `blank page variance ${blank.variance}`);
    assert.ok(full.variance > 200, `report variance ${full.variance}`);
    for (const [i, s] of stats.entries()) assert.ok(s.variance > 200, `figure ${i} variance ${s.variance}`);
    // Comparison (viridis) and residual (RdBu_r) are pixel images from data URLs: large coloured areas.
    assert.ok(stats[0].colored > 0.15, `comparison coloured share ${stats[0].colored}`);
    assert.ok(stats[1].colored > 0.05, `residual coloured share ${stats[1].colored}`);
  });
});
