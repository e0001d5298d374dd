/**
 * `lowrank factor` on data with holes: ratings triplets (`--format ratings`) or a dense matrix with
 * missing entries (`--missing nan`, `--mask FILE`), trained by ALS or the masked gradient method,
 * with a held-out split, baselines, progress on stderr and a model directory for `lowrank predict`.
 *
 * @module
 */
import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { LowRankError } from '../core/errors.js';
import type { DType } from '../core/matrix.js';
import { CsrMatrix, sparseFromDense, type CooMatrix } from '../core/sparse.js';
import { checkOutputDir, readMatrixFile } from '../io/files.js';
import { MODEL_DIR_FILES, readTextFile, writeModelDir } from '../io/model-dir.js';
import { parseRatings } from '../io/ratings.js';
import { alsFactorize } from '../methods/als.js';
import { biasBaseline, globalMeanBaseline } from '../methods/baselines.js';
import type { Factorization, MaskedGradientParams, Progress } from '../methods/factorization.js';
import { maskedGradientFactorize } from '../methods/masked-gradient.js';
import { splitEntries } from '../methods/split.js';
import { checkPositive, checkRank } from '../methods/validate.js';
import { biasErrors, ratingErrors, type RatingErrors } from '../metrics/ratings.js';
import { printJson } from './format.js';

/** The flags of `factor` this path reads (the rest of `factor`'s flags are ignored here). */
export interface RatingsFlags {
  rank?: number;
  energy?: number;
  ratio?: number;
  lossTol?: number;
  method: string;
  optimizer: string;
  epochs: number;
  lr?: number;
  tol?: number;
  momentum: number;
  dtype?: DType;
  seed: number;
  out?: string;
  json?: boolean;
  quiet?: boolean;
  format?: 'matrix' | 'ratings';
  missing?: 'nan';
  mask?: string;
  duplicates?: 'error' | 'mean' | 'last';
  reg?: number;
  sweeps?: number;
  batchSize?: number;
  biases?: boolean;
  testFraction?: number;
  perUser?: boolean;
  force?: boolean;
}

/** True when `factor` must take the missing-entries path: ratings input, `--missing`, `--mask` or `--method als`. */
export function isRatingsRun(flags: Pick<RatingsFlags, 'format' | 'missing' | 'mask' | 'method'>): boolean {
  return flags.format === 'ratings' || flags.missing !== undefined || flags.mask !== undefined || flags.method === 'als';
}

/** Adds the missing-entries flags to the `factor` command. */
export function addRatingsOptions(cmd: Command, parsers: {
  int: (flag: string, min?: number) => (v: string) => number;
  num: (flag: string) => (v: string) => number;
  choice: <T extends string>(flag: string, choices: readonly T[]) => (v: string) => T;
}): Command {
  return cmd
    .option('--format <fmt>', 'input format: matrix (dense file) or ratings (CSV/TSV lines user,item,rating[,timestamp])', parsers.choice('--format', ['matrix', 'ratings'] as const), 'matrix')
    .option('--missing <how>', 'dense input with holes: nan (NaN entries are missing)', parsers.choice('--missing', ['nan'] as const))
    .option('--mask <file>', 'dense input with holes: a same-shape matrix, non-zero where the input is observed')
    .option('--duplicates <policy>', 'ratings: several ratings of one (user, item): error, mean or last', parsers.choice('--duplicates', ['error', 'mean', 'last'] as const), 'error')
    .option('--reg <lambda>', 'als/gradient with holes: L2 regularisation λ per observed entry (default 0.1 als, 0.02 gradient)', parsers.num('--reg'))
    .option('--sweeps <n>', 'als: sweeps (default 10)', parsers.int('--sweeps', 1))
    .option('--batch-size <n>', 'gradient with holes: observed entries per step (default 1024 adam, 1 sgd)', parsers.int('--batch-size', 1))
    .option('--biases', 'with holes: learn a global mean and user/item biases (default for --format ratings)')
    .option('--no-biases', 'with holes: factors only, no global mean or biases (default for dense input)')
    .option('--test-fraction <f>', 'with holes: hold out this fraction of the observed entries for evaluation (default 0)', parsers.num('--test-fraction'))
    .option('--per-user', 'with --test-fraction: hold out the fraction of each user\'s ratings');
}

interface LoadedData {
  entries: CooMatrix;
  users: string[] | null;
  items: string[] | null;
  describe: string;
  duplicatesMerged: number;
}

/**
 * Runs `factor` on data with holes; see the module comment. `cmd` tells which flags were given
 * (so that the dense defaults of `--method`, `--epochs`, `--momentum` do not apply here).
 *
 * @throws {@link LowRankError} for bad input (exit 2) or a diverging run (exit 1).
 */
export async function runFactorRatings(input: string, f: RatingsFlags, cmd: Command): Promise<void> {
  const given = (name: string): boolean => {
    const src = cmd.getOptionValueSource(name);
    return src !== undefined && src !== 'default';
  };
  const method = given('method') && f.method !== 'auto' ? f.method : 'als';
  if (method !== 'als' && method !== 'gradient') {
    throw new LowRankError('E_ARG', `--method ${method} needs every entry of the matrix; use --method als or gradient for ratings or missing entries`);
  }
  if (method === 'gradient' && f.optimizer !== 'adam' && f.optimizer !== 'sgd') {
    throw new LowRankError('E_ARG', `--optimizer ${f.optimizer} is not available with missing entries; use adam or sgd`);
  }
  if (f.format === 'ratings' && (f.missing !== undefined || f.mask !== undefined)) {
    throw new LowRankError('E_ARG', '--missing and --mask are for dense inputs, not --format ratings (a ratings file lists only observed entries)');
  }
  for (const [flag, v] of [['--energy', f.energy], ['--tol', f.tol], ['--ratio', f.ratio]] as const) {
    if (v !== undefined) throw new LowRankError('E_ARG', `${flag} chooses a rank from the singular values of a complete matrix; with missing entries give --rank K`);
  }
  if (f.rank === undefined) throw new LowRankError('E_ARG', 'missing entries need --rank K');
  const rank = f.rank;
  // --tol is a rank option (relative Frobenius error) for every input; the stopping tolerance is --loss-tol
  const lossTol = f.lossTol;
  if (f.lr !== undefined) checkPositive('--lr', f.lr);
  if (lossTol !== undefined) checkPositive('--loss-tol', lossTol, true);
  if (f.reg !== undefined) checkPositive('--reg', f.reg, true);
  const testFraction = f.testFraction ?? 0;
  if (!(testFraction >= 0 && testFraction < 1)) throw new LowRankError('E_ARG', `--test-fraction must be in [0, 1), got ${testFraction}`);
  if (f.perUser && testFraction === 0) throw new LowRankError('E_ARG', '--per-user needs --test-fraction F > 0');

  const data = await loadData(input, f);
  const { entries } = data;
  const n = entries.rows;
  const m = entries.cols;
  checkRank(rank, n, m);
  const out = f.out ?? join('.', `${basename(input, extname(input))}.lowrank`);
  const outputOptions = { inputs: [input, f.mask], force: f.force };
  await checkOutputDir(out, { ...outputOptions, names: MODEL_DIR_FILES });

  const { train, test } = splitEntries(entries, { testFraction, seed: f.seed, perRow: f.perUser });
  if (train.values.length === 0) throw new LowRankError('E_ARG', `no training entries left after holding out --test-fraction ${testFraction}`);
  const hasTest = test.values.length > 0;
  const trainCsr = CsrMatrix.fromSortedCoo(train);
  const range = rangeOf(train.values);
  const useBiases = f.biases ?? f.format === 'ratings';
  const reg = f.reg ?? (method === 'als' ? 0.1 : 0.02);

  // baselines, computed in the same run
  const mean = globalMeanBaseline(trainCsr);
  const bias = biasBaseline(trainCsr);
  const baselines = {
    globalMean: { train: biasErrors(mean, train, range), test: hasTest ? biasErrors(mean, test, range) : null },
    biases: { train: biasErrors(bias, train, range), test: hasTest ? biasErrors(bias, test, range) : null },
  };

  const progress = !f.json && !f.quiet;
  const t0 = performance.now();
  const onProgress = progress
    ? (p: Progress) => {
        const what = method === 'als' ? 'sweep' : 'epoch';
        const held = p.validationRmse !== undefined ? `, held-out RMSE ${p.validationRmse.toFixed(4)}` : '';
        process.stderr.write(`${what} ${p.epoch + 1}/${p.total}: train RMSE ${Math.sqrt(p.loss).toFixed(4)}${held} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
      }
    : undefined;
  const validation = hasTest ? test : undefined;
  let result: Factorization;
  let gradientParams: MaskedGradientParams | null = null;
  if (method === 'als') {
    result = alsFactorize(trainCsr, { rank, reg, iterations: f.sweeps ?? 10, biases: useBiases, seed: f.seed, lossTol, validation, range, onProgress });
    if (f.dtype === 'float32') result = { ...result, U: result.U.astype('float32'), V: result.V.astype('float32') };
  } else {
    const g = maskedGradientFactorize(train, {
      rank,
      optimizer: f.optimizer as 'adam' | 'sgd',
      epochs: given('epochs') ? f.epochs : undefined,
      lr: f.lr,
      batchSize: f.batchSize,
      reg,
      biases: useBiases,
      momentum: given('momentum') ? f.momentum : undefined,
      dtype: f.dtype,
      seed: f.seed,
      lossTol,
      validation,
      range,
      onProgress,
    });
    result = g;
    gradientParams = g.params;
  }
  const model = { ...result, range };
  const trainErr = ratingErrors(model, train);
  const testErr = hasTest ? ratingErrors(model, test) : null;
  const metrics = { train: trainErr, test: testErr, baselines };
  const files = await writeModelDir(out, {
    factorization: result,
    reg,
    range,
    users: data.users,
    items: data.items,
    extra: {
      input,
      nnz: entries.values.length,
      split: { train: train.values.length, test: test.values.length, testFraction, perUser: !!f.perUser, seed: f.seed },
      metrics,
    },
  }, outputOptions);

  if (f.json) {
    printJson({
      input,
      format: f.format === 'ratings' ? 'ratings' : 'matrix',
      shape: [n, m],
      nnz: entries.values.length,
      density: entries.values.length / (n * m),
      duplicatesMerged: data.duplicatesMerged,
      range,
      split: { train: train.values.length, test: test.values.length, testFraction, perUser: !!f.perUser, seed: f.seed },
      method: result.method,
      rank: result.rank,
      params: result.params,
      epochsRun: result.epochsRun,
      finalLoss: result.lossHistory ? result.lossHistory[result.lossHistory.length - 1] : undefined,
      timings: result.timings,
      ...metrics,
      files,
    });
    return;
  }
  const label = method === 'als'
    ? `als (rank ${result.rank}, λ ${reg}, ${result.epochsRun} sweeps${useBiases ? ', biases' : ''})`
    : `gradient (${gradientParams?.optimizer}, rank ${result.rank}, λ ${reg}, ${result.epochsRun} epochs, batch ${gradientParams?.batchSize}${useBiases ? ', biases' : ''})`;
  const sweep = result.timings.sweepMsMax !== undefined ? `, slowest sweep ${(result.timings.sweepMsMax / 1000).toFixed(2)} s` : '';
  const fmt = (e: RatingErrors | null): string => (e ? `${e.rmse.toFixed(4).padStart(8)} ${e.mae.toFixed(4).padStart(8)}` : `${'-'.padStart(8)} ${'-'.padStart(8)}`);
  const lines = [
    `Input: ${data.describe}`,
    hasTest
      ? `Split: ${train.values.length} training, ${test.values.length} held out (${(testFraction * 100).toFixed(1)}%${f.perUser ? ' of each user' : ''}, seed ${f.seed})`
      : 'Split: none (all entries train; --test-fraction F for held-out figures)',
    `Method: ${label}, ${(result.timings.totalMs / 1000).toFixed(2)} s${sweep}`,
    `Predictions clipped to [${range[0]}, ${range[1]}]`,
    `${'model'.padEnd(24)} ${'train RMSE'.padStart(8)} ${'MAE'.padStart(8)}  ${'held-out RMSE'.padStart(8)} ${'MAE'.padStart(8)}`,
    `${'global mean'.padEnd(24)} ${fmt(baselines.globalMean.train)}  ${fmt(baselines.globalMean.test)}`,
    `${'user + item biases'.padEnd(24)} ${fmt(baselines.biases.train)}  ${fmt(baselines.biases.test)}`,
    `${`${result.method} rank ${result.rank}`.padEnd(24)} ${fmt(trainErr)}  ${fmt(testErr)}`,
    `Wrote ${files.join(', ')}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

async function loadData(input: string, f: RatingsFlags): Promise<LoadedData> {
  if (f.format === 'ratings') {
    const text = await readTextFile(input);
    const r = parseRatings(text, { source: input, duplicates: f.duplicates ?? 'error' });
    const nnz = r.entries.values.length;
    const merged = r.merged > 0 ? `, ${r.merged} duplicate lines merged (${f.duplicates})` : '';
    return {
      entries: r.entries,
      users: r.users,
      items: r.items,
      duplicatesMerged: r.merged,
      describe: `${input} (ratings: ${r.users.length} users × ${r.items.length} items, ${nnz} ratings, ${pct(nnz, r.users.length * r.items.length)} observed, range ${r.range[0]}–${r.range[1]}${merged})`,
    };
  }
  const a = await readMatrixFile(input);
  const mask = f.mask !== undefined ? await readMatrixFile(f.mask) : undefined;
  const csr = sparseFromDense(a, { missing: f.missing ?? 'none', mask, what: input });
  if (csr.nnz === 0) throw new LowRankError('E_ARG', `${input}: every entry is missing`);
  return {
    entries: csr.toCoo(),
    users: null,
    items: null,
    duplicatesMerged: 0,
    describe: `${input} (${a.rows}×${a.cols}, ${csr.nnz} observed entries, ${pct(csr.nnz, a.rows * a.cols)})`,
  };
}

function rangeOf(values: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

function pct(a: number, b: number): string {
  return `${((100 * a) / b).toFixed(2)}%`;
}
