/**
 * The backend conformance suites (conformance.test.ts, conformance-lapack.test.ts) in headless
 * Chromium, unchanged: esbuild bundles them with `node:test` and `node:assert/strict` mapped to
 * small browser shims (test/backend/browser/) and `./backends.js` to the browser's tiers
 * (TypeScript and WebAssembly with two threads). A tiny HTTP server sends the page with
 * COOP/COEP headers, so the page is cross-origin isolated: SharedArrayBuffer exists and the wasm
 * tier's GEMM runs on Web Workers over a shared memory — the test checks that it did.
 * A second page without the headers checks the fallback to one thread with no error.
 * Outside CI the suite is skipped when no Chromium is installed.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { build, type Plugin } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = process.env.LOWRANK_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const skip = !existsSync(CHROMIUM) && !process.env.CI ? `no Chromium at ${CHROMIUM} (apt-get install chromium)` : false;
const HERE = dirname(fileURLToPath(import.meta.url));

/** Maps the Node-only imports of the suites to their browser stand-ins. */
const browserShims: Plugin = {
  name: 'browser-shims',
  setup(b) {
    b.onResolve({ filter: /^node:test$/ }, () => ({ path: join(HERE, 'browser/node-test-shim.ts') }));
    b.onResolve({ filter: /^node:assert\/strict$/ }, () => ({ path: join(HERE, 'browser/assert-shim.ts') }));
    b.onResolve({ filter: /^\.\/backends\.js$/ }, (args) =>
      args.importer.startsWith(join(HERE, 'browser')) ? undefined : { path: join(HERE, 'browser/backends.ts') },
    );
  },
};

interface PageOutcome {
  passed: number;
  failed: Array<{ name: string; error: string }>;
  names: string[];
  wasm: { threads: number; sharedMemory: boolean; relaxedSimd: boolean; isolated: boolean; workerChunks: number };
}

describe('backend conformance in headless Chromium', { skip }, () => {
  let server: Server;
  let browser: Browser;
  let base = '';

  before(async () => {
    const bundle = await build({
      entryPoints: [join(HERE, 'browser/entry.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'chrome110',
      write: false,
      plugins: [browserShims],
      logLevel: 'silent',
    });
    const js = bundle.outputFiles[0].text;
    const html = '<!doctype html><meta charset="utf-8"><title>conformance</title><script type="module" src="/bundle.js"></script>';
    server = createServer((req, res) => {
      const isolated = !(req.url ?? '').includes('plain');
      const headers: Record<string, string> = isolated
        ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
        : {};
      if ((req.url ?? '').startsWith('/bundle.js')) {
        res.writeHead(200, { 'Content-Type': 'text/javascript', ...headers });
        res.end(js);
      } else {
        res.writeHead(200, { 'Content-Type': 'text/html', ...headers });
        res.end(html.replace('/bundle.js', isolated ? '/bundle.js' : '/bundle.js?plain'));
      }
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });

  after(async () => {
    await browser?.close();
    await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
  });

  async function runPage(path: string): Promise<PageOutcome> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    try {
      await page.goto(base + path);
      await page.waitForFunction(() => window.conformance !== undefined || window.conformanceError !== undefined, undefined, { timeout: 240_000 });
      const err = await page.evaluate(() => window.conformanceError);
      assert.equal(err, undefined, `the page failed: ${err}`);
      assert.deepEqual(errors, []);
      return (await page.evaluate(() => window.conformance)) as PageOutcome;
    } finally {
      await page.close();
    }
  }

  it('cross-origin isolated page: every kernel check passes on js and wasm, GEMM on two threads over shared memory', async () => {
    const r = await runPage('/isolated');
    assert.deepEqual(r.failed, [], r.failed.map((f) => `${f.name}: ${f.error}`).join('\n'));
    assert.ok(r.wasm.isolated, 'the page is cross-origin isolated');
    assert.equal(r.wasm.sharedMemory, true);
    assert.equal(r.wasm.threads, 2);
    assert.ok(r.wasm.workerChunks > 0, 'a Web Worker ran GEMM chunks');
    // Both tiers ran the whole suite: the wasm tier's GEMM, element-wise and optional-kernel tests.
    const wasmTests = r.names.filter((n) => n.includes('backend wasm'));
    assert.ok(wasmTests.some((n) => n.includes('gemm float32')), 'wasm gemm float32 tests ran');
    assert.ok(wasmTests.some((n) => n.includes('gemm float64')), 'wasm gemm float64 tests ran');
    assert.ok(wasmTests.some((n) => n.includes('adamEpochs')), 'wasm adamEpochs tests ran');
    assert.ok(r.passed > 400, `${r.passed} tests passed`);
  });

  it('page without COOP/COEP: no SharedArrayBuffer, the wasm tier falls back to one thread and still passes', async () => {
    const r = await runPage('/plain');
    assert.deepEqual(r.failed, [], r.failed.map((f) => `${f.name}: ${f.error}`).join('\n'));
    assert.equal(r.wasm.isolated, false);
    assert.equal(r.wasm.sharedMemory, false);
    assert.equal(r.wasm.threads, 1);
    assert.equal(r.wasm.workerChunks, 0);
  });
});
