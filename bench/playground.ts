/**
 * The playground's speed, measured in the page (headless Chromium through playwright-core,
 * the page served by `servePlayground` exactly as `lowrank playground` serves it):
 *
 * - 500 Adam epochs of the seed problem (100×50, hidden rank 20, rank 10), timed by the worker
 *   around `gradientFactorize` with a progress callback every epoch (the live loss chart) —
 *   goal ≤ 500 ms;
 * - the exact SVD of a 512×512 image (the raccoon photo scaled to 512×512, uploaded through the
 *   file input), timed by the worker — goal ≤ 1000 ms.
 *
 * Peers in the same script: the same computations in this Node process on the TypeScript tier
 * (the tier the page runs on until the WebAssembly tier lands), and numpy for the SVD when
 * python3-numpy is installed. Ratios matter more than times on a shared, noisy machine.
 *
 * Usage: `tsx bench/playground.ts` (also run by `npm run bench`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { jsBackend } from '../src/backend/js/index.js';
import { servePlayground } from '../src/cli/playground.js';
import { Matrix, svd } from '../src/index.js';
import { writeNpy } from '../src/io.js';
import { gradientFactorize } from '../src/methods.js';
import { seedMatrix } from '../src/methods/seed-data.js';
import { pythonWith } from './demo.js';

const CHROMIUM = process.env.LOWRANK_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'];
const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Goals of issue 11, in milliseconds. */
export const PLAYGROUND_GOALS = { adam500: 500, svd512: 1000 } as const;

/** One row of the playground bench. */
export interface PlaygroundBenchRow {
  task: string;
  where: string;
  medianMs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs the bench; returns its rows (page and peers). */
export async function benchPlayground(opts: { repeats?: number } = {}): Promise<PlaygroundBenchRow[]> {
  const repeats = opts.repeats ?? 5;
  const rows: PlaygroundBenchRow[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'lowrank-bench-web-'));
  const out = join(tmp, 'web');
  const b = spawnSync(process.execPath, [join(ROOT, 'scripts/build-web.mjs'), '--out', out], { encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`build-web failed: ${b.stderr}`);
  // The 512×512 image: the example photo scaled up (a real photograph's spectrum).
  const png = await sharp(join(ROOT, 'test/fixtures/images/raccoon.png')).resize(512, 512, { fit: 'fill' }).png().toBuffer();
  const pngPath = join(tmp, 'raccoon512.png');
  writeFileSync(pngPath, png);

  const server = await servePlayground({ port: 0, root: out });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}#src=seed&n=100&m=50&h=20&noise=0.1&seed=0&rank=10&method=adam&lr=0.01&epochs=500&init=0`);
    await page.waitForSelector('body[data-state="ready"]');
    const adam: number[] = [];
    let tier = '';
    for (let rep = -1; rep < repeats; rep++) {
      await page.getByTestId('train').click();
      await page.waitForSelector('body[data-state="done"]');
      const ms = Number(await page.getByTestId('timing').getAttribute('data-train-ms'));
      tier = ((await page.getByTestId('timing').textContent()) ?? '').replace(/^.*\((.*) tier\).*$/, '$1');
      if (rep >= 0) adam.push(ms);
    }
    rows.push({ task: 'adam 500 epochs, seed 100×50 k=10', where: `page (worker, ${tier} tier)`, medianMs: median(adam) });

    const svds: number[] = [];
    for (let rep = 0; rep < Math.max(1, Math.min(repeats, 3)); rep++) {
      await page.evaluate(() => document.querySelector('[data-testid=timing]')?.removeAttribute('data-svd-ms'));
      await page.getByTestId('file-input').setInputFiles(pngPath);
      await page.waitForSelector('[data-testid=timing][data-svd-ms]', { timeout: 120_000 });
      svds.push(Number(await page.getByTestId('timing').getAttribute('data-svd-ms')));
    }
    rows.push({ task: 'exact SVD 512×512 image', where: `page (worker, ${tier} tier)`, medianMs: median(svds) });
  } finally {
    await browser.close();
    await server.close();
  }

  // Peers: the same work in Node on the TypeScript tier.
  const a = seedMatrix(100, 50, 20, 0.1, 0);
  const node: number[] = [];
  for (let rep = -1; rep < repeats; rep++) {
    const f = gradientFactorize(a, { rank: 10, epochs: 500, seed: 0, backend: jsBackend, logEvery: 1, onProgress: () => {} });
    if (rep >= 0) node.push(f.timings.trainMs);
  }
  rows.push({ task: 'adam 500 epochs, seed 100×50 k=10', where: 'node, TypeScript tier', medianMs: median(node) });
  const { data } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const grey = Matrix.zeros(512, 512);
  for (let i = 0; i < 512 * 512; i++) grey.data[i] = 0.299 * data[i * 3] + 0.587 * data[i * 3 + 1] + 0.114 * data[i * 3 + 2];
  const t0 = performance.now();
  svd(grey);
  rows.push({ task: 'exact SVD 512×512 image', where: 'node, current tier', medianMs: performance.now() - t0 });
  const py = pythonWith('numpy');
  if (py) {
    const npy = join(tmp, 'grey.npy');
    writeFileSync(npy, writeNpy(grey));
    const code = `import numpy as np,time,sys\na=np.load(sys.argv[1]);ts=[]\nfor _ in range(3):\n  t=time.perf_counter();np.linalg.svd(a,full_matrices=False);ts.append(time.perf_counter()-t)\nprint(sorted(ts)[1]*1000)`;
    const r = spawnSync(py, ['-c', code, npy], { encoding: 'utf8' });
    if (r.status === 0) rows.push({ task: 'exact SVD 512×512 image', where: 'numpy (LAPACK gesdd)', medianMs: Number(r.stdout.trim()) });
  }
  return rows;
}

/** Prints the bench as a table with the goals and ratios to the page's times. */
export async function printPlaygroundBench(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.log(`\n# Playground: skipped (no Chromium at ${CHROMIUM})`);
    return;
  }
  console.log('\n# Playground, measured in the page (headless Chromium; median; the machine is shared, ratios matter)');
  const rows = await benchPlayground();
  const pad = (s: string | number, w: number, left = false): string => (left ? String(s).padEnd(w) : String(s).padStart(w));
  console.log([pad('task', 36, true), pad('where', 30, true), pad('median ms', 10), pad('goal ms', 8), pad('page / this', 12)].join('  '));
  for (const r of rows) {
    const page = rows.find((x) => x.task === r.task && x.where.startsWith('page'));
    const goal = r.where.startsWith('page') ? (r.task.startsWith('adam') ? PLAYGROUND_GOALS.adam500 : PLAYGROUND_GOALS.svd512) : '';
    const ratio = page && page !== r ? `${(page.medianMs / r.medianMs).toFixed(2)}×` : '';
    const verdict = goal !== '' ? (r.medianMs <= goal ? ' (meets goal)' : ' (MISSES goal)') : '';
    console.log([pad(r.task, 36, true), pad(r.where, 30, true), pad(r.medianMs.toFixed(1), 10), pad(goal, 8), pad(ratio, 12)].join('  ') + verdict);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  printPlaygroundBench().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
