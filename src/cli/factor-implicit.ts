/**
 * `lowrank factor FILE --implicit`: implicit-feedback ALS (Hu, Koren & Volinsky 2008) on
 * interactions (plays, clicks, or ratings read as interactions), evaluated on held-out
 * interactions by precision@k, recall@k, nDCG@k and MAP@k beside the popularity baseline; writes a
 * model directory for `lowrank recommend`.
 *
 * @module
 */
import { CsrMatrix, type CooMatrix } from '../core/sparse.js';
import { writeModelDir } from '../io/model-dir.js';
import { implicitAlsFactorize, IMPLICIT_DEFAULT_REG } from '../methods/implicit-als.js';
import type { SeenItems } from '../methods/rating-model.js';
import { DEFAULT_TOP_N } from '../methods/recommend.js';
import { factorScorer, popularityScorer, rankingMetrics, type RankingMetrics } from '../metrics/ranking.js';
import { printJson } from './format.js';

/** What {@link runFactorImplicit} needs from `factor`'s flags and the loaded data. */
export interface ImplicitRun {
  input: string;
  out: string;
  describe: string;
  train: CooMatrix;
  test: CooMatrix;
  testDescribe: string;
  users: string[] | null;
  items: string[] | null;
  rank?: number;
  alpha?: number;
  reg?: number;
  sweeps?: number;
  seed: number;
  json?: boolean;
  quiet?: boolean;
  /** The items each user interacted with in the input file (stored for `lowrank recommend`). */
  seen: SeenItems;
  /** `writeModelDir`'s output options (inputs not to overwrite, --force). */
  outputOptions: Parameters<typeof writeModelDir>[2];
}

/**
 * Trains implicit ALS, scores it and the popularity baseline at k = {@link DEFAULT_TOP_N} on the
 * held-out interactions (when there are any), writes the model directory and prints the report.
 */
export async function runFactorImplicit(r: ImplicitRun): Promise<void> {
  const talk = !r.json && !r.quiet;
  const t0 = performance.now();
  const train = CsrMatrix.fromCoo(r.train);
  const f = implicitAlsFactorize(train, {
    rank: r.rank, alpha: r.alpha, reg: r.reg, iterations: r.sweeps, seed: r.seed,
    onProgress: talk ? (p) => process.stderr.write(`sweep ${p.epoch + 1}/${p.total} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`) : undefined,
  });
  let metrics: { model: RankingMetrics; popularity: RankingMetrics } | null = null;
  if (r.test.values.length > 0) {
    const test = CsrMatrix.fromCoo(r.test);
    metrics = {
      model: rankingMetrics(factorScorer(f), train, test, DEFAULT_TOP_N),
      popularity: rankingMetrics(popularityScorer(train), train, test, DEFAULT_TOP_N),
    };
  }
  const files = await writeModelDir(r.out, {
    factorization: f,
    reg: r.reg ?? IMPLICIT_DEFAULT_REG,
    range: null,
    users: r.users,
    items: r.items,
    seen: r.seen,
    extra: { input: r.input, nnz: r.train.values.length, implicit: true, ranking: metrics },
  }, r.outputOptions);
  if (r.json) {
    printJson({ input: r.input, method: f.method, rank: f.rank, params: f.params, timings: f.timings, ranking: metrics, files });
    return;
  }
  const row = (name: string, x: RankingMetrics): string =>
    `${name.padEnd(24)} ${x.precision.toFixed(4).padStart(8)} ${x.recall.toFixed(4).padStart(8)} ${x.ndcg.toFixed(4).padStart(8)} ${x.map.toFixed(4).padStart(8)}`;
  const lines = [
    `Input: ${r.describe}`,
    r.testDescribe,
    `Method: implicit ALS (rank ${f.rank}, α ${String(f.params.alpha)}, λ ${String(f.params.reg)}, ${f.epochsRun} sweeps; confidence 1 + α·r), ${(f.timings.totalMs / 1000).toFixed(2)} s`,
  ];
  if (metrics) {
    const k = DEFAULT_TOP_N;
    lines.push(
      `Top-${k} on held-out interactions (${metrics.model.users} users; seen items excluded):`,
      `${'model'.padEnd(24)} ${`P@${k}`.padStart(8)} ${`R@${k}`.padStart(8)} ${`nDCG@${k}`.padStart(8)} ${`MAP@${k}`.padStart(8)}`,
      row('popularity', metrics.popularity),
      row(`implicit ALS rank ${f.rank}`, metrics.model),
    );
  }
  lines.push(`Wrote ${files.join(', ')}`);
  process.stdout.write(lines.join('\n') + '\n');
}
