/**
 * `npx tsx bench/als.ts [--quick]`: missing-entries benchmarks (issue 5), figures printed.
 *
 * 1. Known answer: 2000×1000 rank-10 matrix + noise σ = 0.1, 90% of entries hidden — held-out
 *    RMSE of ALS and of the masked gradient method against the noise floor σ, and their times.
 * 2. MovieLens-100K-shaped synthetic ratings (943 × 1,682, 100,000 ratings, committed generator):
 *    ALS at k = 20, time to train and held-out RMSE beside the global-mean and bias-only baselines.
 * 3. 1,000,000 generated ratings (MovieLens-1M shape, 6,040 × 3,706) through the built CLI
 *    (`lowrank factor --format ratings --method als`; the default method is BPMF) under
 *    `/usr/bin/time -v`: peak memory (maximum resident set size) and the time of each ALS sweep,
 *    at k = 10 and k = 20. Targets: ≤ 1 GiB, ≤ 5 s/sweep.
 *
 * The machine is shared and noisy: the targets have a wide margin on purpose; read the ratios.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cooMatrix, CsrMatrix } from '../src/core/sparse.js';
import { alsFactorize } from '../src/methods/als.js';
import { biasBaseline, globalMeanBaseline } from '../src/methods/baselines.js';
import { maskedGradientFactorize } from '../src/methods/masked-gradient.js';
import { splitEntries } from '../src/methods/split.js';
import { biasErrors, ratingErrors } from '../src/metrics/ratings.js';
import { generateRatings, ratingsText } from '../test/fixtures/generate-ratings.js';
import { lowRankWithHoles } from '../test/methods/ratings-helpers.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const quick = process.argv.includes('--quick');

function knownAnswer(): void {
  console.log('# Known answer: 2000×1000, rank 10, noise σ = 0.1, 90% of entries hidden (held-out = the 1.8M hidden entries)');
  const { train, test } = lowRankWithHoles(2000, 1000, 10, 0.1, 0.1, 1);
  let t = performance.now();
  const als = alsFactorize(CsrMatrix.fromCoo(train), { rank: 10, reg: 0.001, iterations: 10 });
  const alsMs = performance.now() - t;
  t = performance.now();
  const gd = maskedGradientFactorize(train, { rank: 10, reg: 0.001, epochs: 20, batchSize: 4096, lr: 0.02, seed: 1 });
  const gdMs = performance.now() - t;
  console.log(`observed ${train.values.length}, target held-out RMSE ≤ 0.110 (1.1 σ)`);
  console.log(`ALS k=10, λ=0.001, 10 sweeps:                held-out RMSE ${ratingErrors(als, test).rmse.toFixed(4)}  (${(alsMs / 1000).toFixed(2)} s)`);
  console.log(`masked gradient, Adam, 20 epochs, batch 4096: held-out RMSE ${ratingErrors(gd, test).rmse.toFixed(4)}  (${(gdMs / 1000).toFixed(2)} s)`);
}

function movieLens(): void {
  console.log('\n# MovieLens-100K-shaped synthetic: 943 users × 1,682 items, 100,000 ratings, 80/20 split');
  const g = generateRatings({ users: 943, items: 1682, ratings: 100_000, seed: 1 });
  const { train, test } = splitEntries(cooMatrix(943, 1682, g.row, g.col, g.values), { testFraction: 0.2, seed: 1 });
  const r = CsrMatrix.fromCoo(train);
  const range: [number, number] = [1, 5];
  const runs: number[] = [];
  let f = alsFactorize(r, { rank: 20, reg: 0.05, biases: true });
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    f = alsFactorize(r, { rank: 20, reg: 0.05, biases: true });
    runs.push(performance.now() - t);
  }
  runs.sort((a, b) => a - b);
  console.log(`global mean          held-out RMSE ${biasErrors(globalMeanBaseline(r), test, range).rmse.toFixed(4)}`);
  console.log(`bias-only (Surprise) held-out RMSE ${biasErrors(biasBaseline(r), test, range).rmse.toFixed(4)}`);
  console.log(`ALS k=20, 10 sweeps  held-out RMSE ${ratingErrors({ ...f, range }, test).rmse.toFixed(4)}  train ${(runs[1] / 1000).toFixed(2)} s (median of 3; target ≤ 10 s), ${f.timings.sweepMsMean.toFixed(0)} ms/sweep`);
}

async function oneMillion(): Promise<void> {
  console.log('\n# 1,000,000 generated ratings (6,040 × 3,706), lowrank factor --format ratings --method als under /usr/bin/time -v');
  if (!existsSync(CLI)) {
    console.log(`skipped: ${CLI} is missing (npm run build first)`);
    return;
  }
  if (!existsSync('/usr/bin/time')) {
    console.log('skipped: /usr/bin/time is missing (apt-get install time)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'lowrank-bench-'));
  try {
    const file = join(dir, 'ratings-1m.csv');
    const t = performance.now();
    const g = generateRatings({ users: 6040, items: 3706, ratings: 1_000_000, seed: 1 });
    const out = createWriteStream(file);
    for (const s of ratingsText(g)) if (!out.write(s)) await new Promise<void>((res) => out.once('drain', () => res()));
    await new Promise<void>((res) => out.end(res));
    console.log(`generated ${file} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    console.log(['k', 'peak RSS MiB', 'wall s', 'mean sweep s', 'max sweep s', 'held-out RMSE', 'bias-only', 'global mean'].map((x, i) => (i === 0 ? x.padEnd(4) : x.padStart(14))).join(''));
    for (const k of quick ? [10] : [10, 20]) {
      const r = spawnSync('/usr/bin/time', ['-v', process.execPath, CLI, 'factor', file, '--format', 'ratings', '--method', 'als', '--rank', String(k), '--reg', '0.05', '--test-fraction', '0.1', '--out', join(dir, `model-${k}`), '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
      if (r.status !== 0) {
        console.log(`k=${k}: failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
        continue;
      }
      const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
      const wall = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):(\d+(?:\.\d+)?)/.exec(r.stderr);
      const wallS = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
      const j = JSON.parse(r.stdout);
      const cells = [String(k), rss.toFixed(0), wallS.toFixed(1), (j.timings.sweepMsMean / 1000).toFixed(2), (j.timings.sweepMsMax / 1000).toFixed(2), j.test.rmse.toFixed(4), j.baselines.biases.test.rmse.toFixed(4), j.baselines.globalMean.test.rmse.toFixed(4)];
      console.log(cells.map((x, i) => (i === 0 ? x.padEnd(4) : x.padStart(14))).join(''));
    }
    console.log('targets: peak RSS ≤ 1024 MiB, each sweep ≤ 5 s');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  knownAnswer();
  movieLens();
  await oneMillion();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
