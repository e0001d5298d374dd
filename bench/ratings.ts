/**
 * `npx tsx bench/ratings.ts [--quick] [--scale]`: ratings as a recommender (issue 12), figures printed.
 *
 * 1. MovieLens latest-small (`../shared/data/ml-latest-small-ratings.csv`, research use only, never
 *    committed; skipped when absent): fixed 5-fold cross-validation (seed 1) — held-out RMSE of the
 *    global-mean and bias baselines, BPMF, SVD++, ALS and the gradient method at their defaults, mean
 *    ± spread and training seconds per fold; the stand-in for MovieLens-100K's five canonical folds
 *    (goal: default ≤ 0.910 there, ≥ 2% below the bias baseline here).
 * 2. Top-10 on latest-small with implicit ALS (ratings read as interactions, 80/20 split, seed 1):
 *    precision, recall, nDCG, MAP beside the popularity baseline.
 * 3. One ALS sweep over 1,000,000 generated ratings (MovieLens-1M shape, 6,040 × 3,706), k = 10.
 *    Goal ≤ 0.5 s.
 * 4. `--scale` (`--scale-only`: this part alone): 20,000,000 generated ratings shaped like MovieLens-20M (138,493 users, 26,744 items,
 *    long-tailed activity and popularity; committed generator), ALS k = 10, SWEEPS sweeps in a child
 *    process under /usr/bin/time (peak RSS), beside a numpy ALS (bench/ratings_als_peer.py) on the
 *    same ratings (3 sweeps: its Python loop over 165k rows is slow). Goal: 10 sweeps ≤ 60 s,
 *    ≤ 3 GiB. CPU seconds are printed beside wall seconds: on a shared machine they say more.
 *
 * The machine is shared: read the ratios; the times carry the load of the moment.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cooMatrix, CsrMatrix } from '../src/core/sparse.js';
import { parseRatings } from '../src/io/ratings.js';
import { alsFactorize } from '../src/methods/als.js';
import { kFoldSplits, summarizeFolds } from '../src/methods/cross-validation.js';
import { fitRatings, RATINGS_METHODS } from '../src/methods/fit-ratings.js';
import { implicitAlsFactorize } from '../src/methods/implicit-als.js';
import { splitEntries } from '../src/methods/split.js';
import { biasBaseline, globalMeanBaseline } from '../src/methods/baselines.js';
import { biasErrors, ratingErrors } from '../src/metrics/ratings.js';
import { factorScorer, popularityScorer, rankingMetrics, type RankingMetrics } from '../src/metrics/ranking.js';
import { generateRatings } from '../test/fixtures/generate-ratings.js';

const ML_SMALL = fileURLToPath(new URL('../../shared/data/ml-latest-small-ratings.csv', import.meta.url));
const quick = process.argv.includes('--quick');
const SWEEPS = 10;

/** The latest-small ratings, or null (and a line saying the part is skipped) when the file is absent. */
function loadMovieLensSmall(): ReturnType<typeof parseRatings> | null {
  if (!existsSync(ML_SMALL)) {
    console.log(`skipped: ${ML_SMALL} is absent`);
    return null;
  }
  return parseRatings(readFileSync(ML_SMALL, 'utf8'), { source: ML_SMALL });
}

function movieLensFolds(): void {
  console.log('# MovieLens latest-small: 5-fold cross-validation (seed 1), held-out RMSE at the defaults');
  const r = loadMovieLensSmall();
  if (!r) return;
  const folds = kFoldSplits(r.entries, { folds: 5, seed: 1 }).slice(0, quick ? 1 : 5);
  const names = ['global mean', 'bias baseline', ...RATINGS_METHODS];
  const rmse = new Map<string, number[]>(names.map((x) => [x, []]));
  const secs = new Map<string, number[]>(names.map((x) => [x, []]));
  for (const s of folds) {
    const range: [number, number] = [0.5, 5];
    const csr = CsrMatrix.fromCoo(s.train);
    rmse.get('global mean')!.push(biasErrors(globalMeanBaseline(csr), s.test, range).rmse);
    rmse.get('bias baseline')!.push(biasErrors(biasBaseline(csr), s.test, range).rmse);
    for (const m of RATINGS_METHODS) {
      const t = performance.now();
      const { model } = fitRatings(s.train, { method: m, range });
      secs.get(m)!.push((performance.now() - t) / 1000);
      rmse.get(m)!.push(ratingErrors({ ...model, range }, s.test).rmse);
    }
  }
  const bias = summarizeFolds(rmse.get('bias baseline')!).mean;
  console.log(`${'model'.padEnd(16)}${'RMSE mean'.padStart(11)}${'± std'.padStart(9)}${'vs bias'.padStart(9)}${'s/fold'.padStart(8)}  per fold`);
  for (const x of names) {
    const s = summarizeFolds(rmse.get(x)!);
    const t = secs.get(x)!;
    const ts = t.length ? (t.reduce((a, b) => a + b, 0) / t.length).toFixed(2) : '-';
    console.log(`${x.padEnd(16)}${s.mean.toFixed(4).padStart(11)}${s.std.toFixed(4).padStart(9)}${`${((s.mean / bias - 1) * 100).toFixed(1)}%`.padStart(9)}${ts.padStart(8)}  ${rmse.get(x)!.map((v) => v.toFixed(4)).join(' ')}`);
  }
}

function topN(): void {
  console.log('\n# Top-10 on MovieLens latest-small: implicit ALS vs popularity (80/20 split of the interactions, seed 1)');
  const r = loadMovieLensSmall();
  if (!r) return;
  const { train, test } = splitEntries(r.entries, { testFraction: 0.2, seed: 1 });
  const tr = CsrMatrix.fromCoo(train);
  const te = CsrMatrix.fromCoo(test);
  const t = performance.now();
  const f = implicitAlsFactorize(tr, {});
  const s = (performance.now() - t) / 1000;
  const row = (name: string, x: RankingMetrics, secs: string): void =>
    console.log(`${name.padEnd(24)}${x.precision.toFixed(4).padStart(8)}${x.recall.toFixed(4).padStart(8)}${x.ndcg.toFixed(4).padStart(9)}${x.map.toFixed(4).padStart(8)}${secs.padStart(8)}`);
  console.log(`${'model'.padEnd(24)}${'P@10'.padStart(8)}${'R@10'.padStart(8)}${'nDCG@10'.padStart(9)}${'MAP@10'.padStart(8)}${'s'.padStart(8)}`);
  row('popularity', rankingMetrics(popularityScorer(tr), tr, te, 10), '-');
  row(`implicit ALS rank ${f.rank}`, rankingMetrics(factorScorer(f), tr, te, 10), s.toFixed(1));
}

function oneMillionSweep(): void {
  console.log('\n# One ALS sweep over 1,000,000 generated ratings (6,040 × 3,706), k = 10 (goal ≤ 0.5 s)');
  const g = generateRatings({ users: 6040, items: 3706, ratings: 1_000_000, seed: 1 });
  const r = CsrMatrix.fromCoo(cooMatrix(6040, 3706, g.row, g.col, g.values));
  const c0 = process.cpuUsage();
  const f = alsFactorize(r, { rank: 10, reg: 0.1, iterations: quick ? 2 : 5, biases: true });
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6 / f.epochsRun!;
  console.log(`mean sweep ${(f.timings.sweepMsMean / 1000).toFixed(3)} s wall, ${cpu.toFixed(3)} s CPU (training-loss pass included), slowest ${(f.timings.sweepMsMax / 1000).toFixed(3)} s (${f.epochsRun} sweeps, TypeScript loops: ALS has no native kernel)`);
}

/** The child process of the 20M run: generate, write the raw arrays for numpy, train, print JSON. */
function scaleChild(dir: string): void {
  const t = performance.now();
  const g = generateRatings({ users: 138_493, items: 26_744, ratings: 20_000_000, seed: 1, minPerUser: 20 });
  const genS = (performance.now() - t) / 1000;
  writeFileSync(join(dir, 'row.i32'), new Uint8Array(g.row.buffer));
  writeFileSync(join(dir, 'col.i32'), new Uint8Array(g.col.buffer));
  writeFileSync(join(dir, 'val.f64'), new Uint8Array(g.values.buffer));
  const c0 = process.cpuUsage();
  const r = CsrMatrix.fromCoo(cooMatrix(g.users, g.items, g.row, g.col, g.values));
  const f = alsFactorize(r, { rank: 10, reg: 0.1, iterations: SWEEPS });
  const c = process.cpuUsage(c0);
  console.log(JSON.stringify({ genS, trainS: f.timings.totalMs / 1000, sweepS: f.timings.sweepMsMean / 1000, cpuS: (c.user + c.system) / 1e6 }));
}

function scale(): void {
  console.log(`\n# 20,000,000 generated ratings shaped like MovieLens-20M (138,493 × 26,744), ALS k = 10, ${SWEEPS} sweeps (goal ≤ 60 s, ≤ 3 GiB)`);
  const dir = mkdtempSync(join(tmpdir(), 'lowrank-ratings-bench-'));
  try {
    const self = fileURLToPath(import.meta.url);
    const ts = spawnSync('/usr/bin/time', ['-v', process.execPath, '--max-old-space-size=4096', '--import', 'tsx', self, '--scale-child', dir], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const rss = (s: string): number => Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(s)?.[1] ?? NaN) / 1024;
    if (ts.status !== 0) {
      console.log(`lowrank: failed: ${ts.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      return;
    }
    const j = JSON.parse(ts.stdout.trim().split('\n').pop()!);
    console.log(`lowrank (TypeScript ALS): ${j.trainS.toFixed(1)} s wall, ${j.cpuS.toFixed(1)} s CPU for ${SWEEPS} sweeps (CSR build included; ${j.sweepS.toFixed(2)} s/sweep wall), peak RSS ${rss(ts.stderr).toFixed(0)} MiB (including generation, ${j.genS.toFixed(1)} s)`);
    const py = spawnSync('/usr/bin/time', ['-v', '/usr/bin/python3', fileURLToPath(new URL('./ratings_als_peer.py', import.meta.url)), dir, '138493', '26744', '10', String(quick ? 1 : 3)], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (py.status !== 0) {
      console.log(`numpy peer: failed: ${py.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      return;
    }
    const p = JSON.parse(py.stdout.trim().split('\n').pop()!);
    const mean = p.sweep_s.reduce((a: number, b: number) => a + b, 0) / p.sweep_s.length;
    const cpu = p.sweep_cpu_s.reduce((a: number, b: number) => a + b, 0) / p.sweep_cpu_s.length;
    console.log(`numpy ALS (per-row solves):  ${mean.toFixed(2)} s/sweep wall, ${cpu.toFixed(2)} s/sweep CPU over ${p.sweep_s.length} sweep(s), peak RSS ${rss(py.stderr).toFixed(0)} MiB`);
    console.log(`lowrank/numpy CPU per sweep: ${(j.cpuS / SWEEPS / cpu).toFixed(2)} (CPU time, less sensitive than wall time to the other processes on the machine)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const childAt = process.argv.indexOf('--scale-child');
if (childAt >= 0) {
  scaleChild(process.argv[childAt + 1]);
} else if (process.argv.includes('--scale-only')) {
  scale();
} else {
  movieLensFolds();
  topN();
  oneMillionSweep();
  if (process.argv.includes('--scale')) scale();
  else console.log('\n(20M-rating run: add --scale; --scale-only for it alone)');
}
