/**
 * Browser end-to-end of the playground (issue 11): builds web/ into a temporary folder, serves
 * it with `servePlayground` (the code behind `lowrank playground`) on a free port, and drives
 * Debian's Chromium through playwright-core — one browser launch for the whole file. The
 * reference numbers come from the CLI on the same inputs (`lowrank demo`, `lowrank factor`),
 * never from constants. Outside CI the suite is skipped when no Chromium is installed.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';
import { readNpy } from '../../src/io.js';
import { servePlayground, type PlaygroundServer } from '../../src/cli/playground.js';
import { CLI_ARGS, runCli, tempDir } from '../cli/run-cli.js';

const CHROMIUM = process.env.LOWRANK_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const skip = !existsSync(CHROMIUM) && !process.env.CI ? `no Chromium at ${CHROMIUM} (apt-get install chromium)` : false;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NPY = join(ROOT, 'test/fixtures/npy/ref_f8_3x5.npy');

/** Relative difference |a − b| / |b|. */
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

/** Variance of the grey level of a PNG screenshot (0 for a blank page). */
async function greyVariance(png: Buffer): Promise<number> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const n = info.width * info.height;
  let sum = 0;
  let sum2 = 0;
  for (let i = 0; i < n; i++) {
    const y = 0.299 * data[i * 3] + 0.587 * data[i * 3 + 1] + 0.114 * data[i * 3 + 2];
    sum += y;
    sum2 += y * y;
  }
  return sum2 / n - (sum / n) ** 2;
}

/** A PNG signature and IHDR chunk declaring width×height, then IEND: decoders would need width·height·4 bytes. */
function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const chunk = (type: string, body: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    return Buffer.concat([len, Buffer.from(type, 'ascii'), body, Buffer.alloc(4)]);
  };
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IEND', Buffer.alloc(0))]);
}

/** Raw GET (no URL normalisation by the client), for the traversal checks. */
function rawGet(port: number, path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      res.resume();
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('playground in headless Chromium', { skip }, () => {
  let server: PlaygroundServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const outside: string[] = [];
  const consoleErrors: string[] = [];

  const watch = (p: Page): void => {
    p.on('request', (req) => {
      const url = req.url();
      if (!url.startsWith(server.url) && !url.startsWith('data:') && !url.startsWith('blob:')) outside.push(url);
    });
    p.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    p.on('pageerror', (err) => consoleErrors.push(String(err)));
  };
  const text = async (p: Page, id: string): Promise<string> => (await p.getByTestId(id).textContent()) ?? '';
  const value = async (p: Page, id: string): Promise<number> => Number(await text(p, id));
  /** Sets a control's value and dispatches input and change, as the test contract allows. */
  const setControl = (p: Page, id: string, v: string): Promise<void> =>
    p.getByTestId(id).evaluate((e, val) => {
      (e as HTMLInputElement).value = val;
      e.dispatchEvent(new Event('input', { bubbles: true }));
      e.dispatchEvent(new Event('change', { bubbles: true }));
    }, v);
  const waitState = (p: Page, state: string, timeout = 30_000): Promise<unknown> => p.waitForSelector(`body[data-state="${state}"]`, { timeout });
  const open = async (p: Page, hash = ''): Promise<void> => {
    await p.goto(server.url + hash);
    await waitState(p, 'ready');
  };

  before(async () => {
    const out = join(tempDir('lowrank-web-'), 'web');
    const b = spawnSync(process.execPath, [join(ROOT, 'scripts/build-web.mjs'), '--out', out], { encoding: 'utf8' });
    assert.equal(b.status, 0, b.stderr);
    server = await servePlayground({ port: 0, root: out });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 60_000 });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    watch(page);
    await open(page);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('serves on 127.0.0.1 with COOP/COEP and MIME types, and refuses paths outside its folder', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const index = await rawGet(server.port, '/');
    assert.equal(index.status, 200);
    assert.equal(index.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(index.headers['cross-origin-embedder-policy'], 'require-corp');
    assert.match(String(index.headers['content-type']), /^text\/html/);
    assert.match(String((await rawGet(server.port, '/app.js')).headers['content-type']), /^text\/javascript/);
    assert.equal((await rawGet(server.port, '/raccoon.png')).headers['content-type'], 'image/png');
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/..%2f..%2fpackage.json', '/%2e%2e%2f%2e%2e%2fetc%2fpasswd']) {
      const r = await rawGet(server.port, path);
      assert.ok(r.status === 403 || r.status === 404, `${path} → ${r.status}`);
    }
    assert.equal((await rawGet(server.port, '/nope.js')).status, 404);
    assert.equal((await rawGet(server.port, '/', 'POST')).status, 405);
    assert.equal(await page.evaluate(() => crossOriginIsolated), true, 'the page is cross-origin isolated');
  });

  it("seed data at the defaults, SVD at rank 10: the error equals lowrank demo's optimum (1e-6 relative)", async (t) => {
    const dir = tempDir();
    const r = runCli(['demo', '--json', '--epochs', '1', '--no-png', '--out', join(dir, 'out')], dir);
    assert.equal(r.code, 0, r.stderr);
    const demo = JSON.parse(r.stdout) as { svd: { optimum: number; compressionRatio: number } };
    assert.equal(await page.getByTestId('method').inputValue(), 'svd');
    assert.equal(await page.getByTestId('rank').inputValue(), '10');
    await page.getByTestId('train').click();
    await waitState(page, 'done');
    const error = await value(page, 'error');
    t.diagnostic(`page SVD error ${error}, lowrank demo optimum ${demo.svd.optimum}, relative difference ${rel(error, demo.svd.optimum).toExponential(2)}`);
    assert.ok(rel(error, demo.svd.optimum) < 1e-6, `page ${error} vs demo ${demo.svd.optimum}`);
    assert.ok(rel(await value(page, 'optimum'), demo.svd.optimum) < 1e-6);
    assert.ok(Math.abs(await value(page, 'gap')) < 1e-6);
    assert.equal(await value(page, 'ratio'), demo.svd.compressionRatio);
  });

  it('the rank slider follows the keyboard and updates the SVD view at once', async () => {
    const before10 = await value(page, 'error');
    await page.getByTestId('rank').focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getByTestId('rank').inputValue(), '11');
    const e11 = await value(page, 'error');
    assert.ok(e11 < before10, `rank 11 error ${e11} below rank 10's ${before10}`);
    assert.ok(rel(e11, await value(page, 'optimum')) < 1e-9, 'the SVD stays at the optimum');
    assert.match(page.url(), /rank=11/);
    await page.keyboard.press('ArrowLeft');
    assert.equal(await value(page, 'error'), before10);
    // Shortcuts outside the form controls: r resets, t trains (computes, for the SVD).
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('r');
    await waitState(page, 'ready');
    await page.keyboard.press('t');
    await waitState(page, 'done');
    assert.equal(await value(page, 'error'), before10);
  });

  it('Adam for 500 epochs: the error falls below 2× the optimum, the loss chart has a point per epoch', async (t) => {
    await setControl(page, 'method', 'adam');
    assert.equal(await page.getByTestId('epochs').inputValue(), '500');
    await page.getByTestId('train').click();
    await waitState(page, 'done');
    const error = await value(page, 'error');
    const optimum = await value(page, 'optimum');
    // Same seed, same kernel tier: the page's network is the CLI's (factors stored as float32;
    // the demo multiplies them in float32, the page in float64, hence not bit for bit).
    const tier = (await page.getByTestId('timing').getAttribute('data-backend')) as string;
    const dir = tempDir();
    const r = runCli(['--backend', tier, 'demo', '--json', '--no-png', '--out', join(dir, 'out')], dir);
    assert.equal(r.code, 0, r.stderr);
    const demo = JSON.parse(r.stdout) as { learned: { frobenius: number } };
    t.diagnostic(`adam 500 epochs (${tier} tier): error ${error}, optimum ${optimum} (${(error / optimum).toFixed(3)}×); lowrank --backend ${tier} demo: ${demo.learned.frobenius}`);
    assert.ok(error > optimum && error < 2 * optimum, `error ${error}, optimum ${optimum}`);
    assert.ok(rel(error, demo.learned.frobenius) < 1e-5, `page ${error} vs demo ${demo.learned.frobenius}`);
    assert.ok(rel(await value(page, 'gap'), error / optimum - 1) < 1e-6);
    assert.equal(await page.getByTestId('loss-chart').getAttribute('data-points'), '500');
    assert.ok((await page.getByTestId('loss-chart').locator('svg path, svg polyline').count()) > 0, 'the chart draws a line');
    assert.equal(await page.getByTestId('epoch').textContent(), '499');
  });

  it('downloads V.npy, the figures as PNG and a self-contained report.html of the trained network', async () => {
    const fetchDownload = async (id: string): Promise<[string, Buffer]> => {
      const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(id).click()]);
      return [d.suggestedFilename(), readFileSync(await d.path())];
    };
    const [vName, vBytes] = await fetchDownload('download-v');
    assert.equal(vName, 'V.npy');
    const v = readNpy(new Uint8Array(vBytes), vName);
    assert.deepEqual([v.rows, v.cols, v.dtype], [10, 50, 'float32'], 'the network’s float32 factor, k×m');
    for (const key of ['comparison', 'residual', 'loss', 'spectrum']) {
      const [name, png] = await fetchDownload(`download-${key}`);
      assert.equal(name, `${key}.png`);
      const meta = await sharp(png).metadata();
      assert.equal(meta.format, 'png');
      assert.ok((meta.width ?? 0) > 300, `${name} is ${meta.width} px wide`);
      assert.ok((await greyVariance(png)) > 100, `${name} is not blank`);
    }
    const [rName, report] = await fetchDownload('download-report');
    assert.equal(rName, 'report.html');
    const html = report.toString('utf8');
    assert.match(html, /<title>lowrank playground<\/title>/);
    assert.match(html, /Training loss per epoch \(adam\), rank 10/);
    // The report's tables show 6 significant digits (viz/report formatNumber).
    const shown = String(Number((await value(page, 'error')).toPrecision(6)));
    assert.ok(html.includes(`<td class="num">${shown}</td>`), `the metrics table holds the error shown (${shown})`);
    assert.ok(!/<script/i.test(html), 'no scripts in the report');
  });

  it('stays responsive while training: pause takes effect within 200 ms, resume and reset work', async (t) => {
    await setControl(page, 'method', 'adam');
    await setControl(page, 'epochs', '200000');
    await page.getByTestId('train').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=loss-chart]')?.getAttribute('data-points')) > 2000); // past the chart's thinning (LOSS_CHART_MAX_POINTS)
    // Time the click inside the page: from the click to the worker's confirmation that it stopped
    // (body[data-state] is 'pausing' until the worker, blocked at its next epoch, says so).
    const ms = await page.evaluate(
      () =>
        new Promise<number>((ok) => {
          const t0 = performance.now();
          const obs = new MutationObserver(() => {
            if (document.body.dataset.state === 'paused') {
              obs.disconnect();
              ok(performance.now() - t0);
            }
          });
          obs.observe(document.body, { attributes: true });
          (document.querySelector('[data-testid=pause]') as HTMLButtonElement).click();
        }),
    );
    t.diagnostic(`pause took effect ${ms.toFixed(1)} ms after the click`);
    assert.ok(ms < 200, `pause took ${ms.toFixed(1)} ms`);
    await page.waitForTimeout(100);
    const points = Number(await page.getByTestId('loss-chart').getAttribute('data-points'));
    await page.waitForTimeout(300);
    assert.equal(Number(await page.getByTestId('loss-chart').getAttribute('data-points')), points, 'no epochs run while paused');
    await page.getByTestId('pause').click(); // resume
    await page.waitForFunction((p) => Number(document.querySelector('[data-testid=loss-chart]')?.getAttribute('data-points')) > p + 50, points);
    await page.getByTestId('reset').click();
    assert.equal(await page.getByTestId('loss-chart').getAttribute('data-points'), '0');
    await setControl(page, 'epochs', '500');
  });

  it('uploading a numpy-written .npy gives the same optimum as lowrank factor on that file', async (t) => {
    const dir = tempDir();
    const r = runCli(['factor', NPY, '--rank', '1', '--json', '--out', join(dir, 'out')], dir);
    assert.equal(r.code, 0, r.stderr);
    const cli = JSON.parse(r.stdout) as { optimum: number };
    await page.getByTestId('file-input').setInputFiles(NPY);
    await page.waitForFunction(() => document.querySelector('[data-testid=data-label]')?.textContent?.startsWith('ref_f8_3x5.npy 3×5'));
    await setControl(page, 'method', 'svd');
    await setControl(page, 'rank', '1');
    await waitState(page, 'ready');
    await page.getByTestId('train').click();
    await waitState(page, 'done');
    t.diagnostic(`ref_f8_3x5.npy rank 1: page optimum ${await text(page, 'optimum')}, lowrank factor optimum ${cli.optimum}`);
    assert.ok(rel(await value(page, 'optimum'), cli.optimum) < 1e-9, `page ${await text(page, 'optimum')} vs factor ${cli.optimum}`);
    assert.ok(rel(await value(page, 'error'), cli.optimum) < 1e-9);
    // U.npy downloads as a numpy file of the right shape.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-u').click()]);
    assert.equal(download.suggestedFilename(), 'U.npy');
    const u = readNpy(new Uint8Array(readFileSync(await download.path())), 'U.npy');
    assert.deepEqual([u.rows, u.cols], [3, 1]);
  });

  it('bad input (corrupt .npy, a 20,000×20,000 PNG, a CSV with text) shows one message and keeps the previous state', async () => {
    const label = await text(page, 'data-label');
    const error = await text(page, 'error');
    const cases: Array<[string, Buffer, RegExp]> = [
      ['truncated.npy', readFileSync(join(ROOT, 'test/fixtures/npy/truncated.npy')), /truncated\.npy/],
      ['huge.png', pngHeader(20_000, 20_000), /huge\.png: 20000×20000 pixels is too large/],
      ['text.csv', Buffer.from('1,2,3\n4,five,6\n7,8,9\n'), /text\.csv.*line 2/],
    ];
    for (const [name, bytes, pattern] of cases) {
      await page.getByTestId('file-input').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: bytes });
      await page.waitForSelector('[data-testid=message][data-kind=error]');
      const message = await text(page, 'message');
      assert.match(message, pattern);
      assert.ok(!message.includes('\n'), 'one line');
      assert.equal(await text(page, 'data-label'), label, `${name}: the data is kept`);
      assert.equal(await text(page, 'error'), error, `${name}: the numbers are kept`);
      await page.evaluate(() => {
        const m = document.querySelector('[data-testid=message]') as HTMLElement;
        m.textContent = '';
        delete m.dataset.kind;
      });
    }
  });

  it('a CSV with nan cells is data with holes: ALS fits the observed entries, held-out RMSE shown', async () => {
    const lines: string[] = [];
    let holes = 0;
    for (let i = 0; i < 30; i++) {
      const row: string[] = [];
      for (let j = 0; j < 20; j++) {
        const hole = (i * 7 + j * 3) % 5 === 0;
        holes += hole ? 1 : 0;
        row.push(hole ? 'nan' : String(Math.sin(i / 4) * Math.cos(j / 3) + 0.5 * (i % 3) * (j % 4)));
      }
      lines.push(row.join(','));
    }
    await page.getByTestId('file-input').setInputFiles({ name: 'holes.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n') + '\n') });
    await page.waitForFunction(() => document.querySelector('[data-testid=data-label]')?.textContent?.startsWith('holes.csv'));
    assert.match(await text(page, 'data-label'), new RegExp(`holes\\.csv 30×20 with ${holes} missing`));
    assert.equal(await page.getByTestId('method').inputValue(), 'als');
    await setControl(page, 'rank', '2');
    await page.getByTestId('train').click();
    await waitState(page, 'done');
    const rmse = await value(page, 'error');
    assert.ok(rmse > 0 && rmse < 0.5, `held-out RMSE ${rmse} of a rank-2 table with values up to ±4`);
    assert.equal(await text(page, 'optimum'), '', 'no optimum for data with holes');
  });

  it('a shared URL reproduces the same numbers in a fresh browser context', async () => {
    await open(page, '#src=seed&n=60&m=40&h=8&noise=0.2&seed=3&rank=5&method=scaled&lr=0.5&epochs=150&init=2');
    await page.getByTestId('train').click();
    await waitState(page, 'done');
    const ids = ['error', 'optimum', 'gap', 'ratio', 'avg-percent'];
    const first = await Promise.all(ids.map((id) => text(page, id)));
    assert.ok(first.every((t) => t !== '' && Number.isFinite(Number(t))), first.join(' '));
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const other = await fresh.newPage();
    watch(other);
    await open(other, new URL(page.url()).hash);
    assert.equal(await other.getByTestId('method').inputValue(), 'scaled');
    await other.getByTestId('train').click();
    await waitState(other, 'done');
    assert.deepEqual(await Promise.all(ids.map((id) => text(other, id))), first);
    await fresh.close();
  });

  it('the examples: the photo shows numpy’s PSNR at the chosen rank (grey and colour), JPEG and large photos load, the ratings train ALS with a held-out RMSE', async () => {
    await setControl(page, 'source', 'photo');
    await page.waitForFunction(() => document.body.dataset.state === 'ready' && document.querySelector('[data-testid=data-label]')?.textContent?.startsWith('raccoon.png'));
    assert.match(await text(page, 'data-label'), /raccoon\.png 256×192/);
    await setControl(page, 'rank', '20');
    const p20 = await value(page, 'psnr');
    await setControl(page, 'rank', '50');
    const p50 = await value(page, 'psnr');
    // numpy's figures for the same photo (decoded by its own PNG reader; test/fixtures/generate_image.py).
    const reference = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/images/raccoon_reference.json'), 'utf8')) as { cases: Array<{ mode: string; rank: number; psnr: number }> };
    const numpyPsnr = (mode: string, rank: number): number => (reference.cases.find((c) => c.mode === mode && c.rank === rank) as { psnr: number }).psnr;
    assert.ok(rel(p20, numpyPsnr('gray', 20)) < 1e-9, `grey PSNR at rank 20: page ${p20}, numpy ${numpyPsnr('gray', 20)}`);
    assert.ok(rel(p50, numpyPsnr('gray', 50)) < 1e-9, `grey PSNR at rank 50: page ${p50}, numpy ${numpyPsnr('gray', 50)}`);
    // Colour: one SVD per channel, at the same rank.
    await setControl(page, 'rank', '20');
    await setControl(page, 'color', 'rgb');
    await page.waitForFunction(() => document.querySelector('[data-testid=image-caption]')?.textContent?.startsWith('colour'));
    const rgb20 = await value(page, 'psnr');
    assert.ok(rel(rgb20, numpyPsnr('rgb', 20)) < 1e-9, `colour PSNR at rank 20: page ${rgb20}, numpy ${numpyPsnr('rgb', 20)}`);
    await setControl(page, 'color', 'gray');
    // A JPEG, and a photo larger than the page shows (scaled down while decoding, the label says so).
    const photo = join(ROOT, 'test/fixtures/images/raccoon.png');
    const jpeg = await sharp(photo).jpeg({ quality: 90 }).toBuffer();
    await page.getByTestId('file-input').setInputFiles({ name: 'raccoon.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await page.waitForFunction(() => document.querySelector('[data-testid=data-label]')?.textContent?.startsWith('raccoon.jpg'));
    assert.equal(await text(page, 'data-label'), 'raccoon.jpg 256×192');
    const big = await sharp(photo).resize(1024, 768).png().toBuffer();
    await page.getByTestId('file-input').setInputFiles({ name: 'big.png', mimeType: 'image/png', buffer: big });
    await page.waitForFunction(() => document.querySelector('[data-testid=data-label]')?.textContent?.startsWith('big.png'));
    assert.equal(await text(page, 'data-label'), 'big.png 1024×768 shown at 512×384');
    assert.equal(await page.getByTestId('rank').getAttribute('max'), '384');
    await setControl(page, 'source', 'ratings');
    assert.equal(await page.getByTestId('method').inputValue(), 'als');
    await setControl(page, 'rank', '3');
    await page.getByTestId('train').click();
    await waitState(page, 'done');
    const rmse = await value(page, 'error');
    assert.ok(rmse > 0 && rmse < 1.2, `held-out RMSE ${rmse} on ratings 1–5`);
  });

  it('works from a plain static host (no COOP/COEP): same numbers, pause and step by seeded replay', async () => {
    // A bare file server, as any static host: no isolation headers, so no shared memory.
    const root = server.root;
    const plainServer = createServer((req, res) => {
      const path = join(root, new URL(req.url ?? '/', 'http://x').pathname.replace(/\/$/, '/index.html'));
      if (!path.startsWith(root) || !existsSync(path)) {
        res.writeHead(404).end();
        return;
      }
      const type = path.endsWith('.js') ? 'text/javascript' : path.endsWith('.css') ? 'text/css' : path.endsWith('.png') ? 'image/png' : 'text/html';
      res.writeHead(200, { 'Content-Type': type }).end(readFileSync(path));
    });
    await new Promise<void>((ok) => plainServer.listen(0, '127.0.0.1', ok));
    const base = `http://127.0.0.1:${(plainServer.address() as AddressInfo).port}/`;
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const p = await ctx.newPage();
    const errors: string[] = [];
    p.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    p.on('pageerror', (err) => errors.push(String(err)));
    try {
      const hash = '#src=seed&n=60&m=40&h=8&noise=0.2&seed=3&rank=5&method=adam&lr=0.01&epochs=300&init=2';
      await p.goto(base + hash);
      await waitState(p, 'ready');
      assert.equal(await p.evaluate(() => crossOriginIsolated), false);
      await p.getByTestId('train').click();
      await waitState(p, 'done');
      const straight = await text(p, 'error');
      // Step 10 epochs at a time by replay, then run the rest: the same result as one run.
      await p.getByTestId('reset').click();
      await p.getByTestId('step').click();
      // The state may read 'paused' a moment before the step's points arrive: wait for both.
      await p.waitForFunction(() => document.body.dataset.state === 'paused' && document.querySelector('[data-testid=loss-chart]')?.getAttribute('data-points') === '10');
      assert.equal(await p.getByTestId('loss-chart').getAttribute('data-points'), '10');
      await p.getByTestId('step').click();
      await p.waitForFunction(() => document.body.dataset.state === 'paused' && document.querySelector('[data-testid=loss-chart]')?.getAttribute('data-points') === '20');
      await p.getByTestId('pause').click(); // resume
      await waitState(p, 'done');
      assert.equal(await p.getByTestId('loss-chart').getAttribute('data-points'), '300');
      assert.equal(await text(p, 'error'), straight);
      // The same link on the isolated server gives the same numbers.
      await open(page, hash);
      await page.getByTestId('train').click();
      await waitState(page, 'done');
      assert.equal(await text(page, 'error'), straight);
      assert.deepEqual(errors, []);
    } finally {
      await ctx.close();
      await new Promise<void>((ok) => plainServer.close(() => ok()));
    }
  });

  it('screenshots at 1280×800 and 390×844 are not blank and fit the width; no requests beyond the origin, no console errors', async () => {
    await open(page);
    for (const [width, height] of [[1280, 800], [390, 844]]) {
      await page.setViewportSize({ width, height });
      const shot = await page.screenshot();
      assert.ok((await greyVariance(shot)) > 100, `${width}×${height} screenshot has content`);
      const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(scroll <= width + 1, `no horizontal scrolling at ${width}px (page is ${scroll}px wide)`);
    }
    assert.deepEqual(outside, [], 'no requests beyond the page origin');
    assert.deepEqual(consoleErrors, [], 'no console errors');
  });
});

describe('lowrank playground (the command)', () => {
  it('serves the page on 127.0.0.1, prints its URL, --open opens it, SIGTERM stops it; a bad --port or a missing build exits 2', async () => {
    const out = join(tempDir('lowrank-web-'), 'web');
    assert.equal(spawnSync(process.execPath, [join(ROOT, 'scripts/build-web.mjs'), '--out', out]).status, 0);
    const bad = runCli(['playground', '--port', '70000', '--dir', out], ROOT);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--port must be an integer in \[0, 65535\]/);
    const missing = runCli(['playground', '--port', '0', '--dir', join(out, 'nothing')], ROOT);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no playground build in .*index\.html missing/);
    // --open hands the URL to the desktop's opener (xdg-open here): a stand-in records it.
    const bin = tempDir('lowrank-bin-');
    const opened = join(bin, 'opened.txt');
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\necho "$1" > '${opened}'\n`, { mode: 0o755 });
    const child = spawn(process.execPath, [...CLI_ARGS, 'playground', '--port', '0', '--open', '--dir', out], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
    });
    try {
      const url = await new Promise<string>((ok, fail) => {
        let buf = '';
        child.stdout.on('data', (d: Buffer) => {
          buf += d.toString();
          const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(buf);
          if (m) ok(m[0]);
        });
        child.on('exit', (code) => fail(new Error(`exited ${code}`)));
      });
      const r = await rawGet(Number(new URL(url).port), '/');
      assert.equal(r.status, 200);
      assert.equal(r.headers['cross-origin-embedder-policy'], 'require-corp');
      for (let i = 0; i < 100 && !existsSync(opened); i++) await new Promise((ok) => setTimeout(ok, 50));
      assert.equal(readFileSync(opened, 'utf8').trim(), url, '--open opened the page');
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((ok) => (child.exitCode !== null ? ok(child.exitCode) : child.on('exit', ok)));
    assert.equal(code, 0, 'Ctrl-C / SIGTERM stops it cleanly');
  });
});
