/**
 * The options of `factor` on data with holes (ratings, `--missing`, `--mask`): their
 * definitions, where each applies, and whether a run takes that path. Kept apart from
 * `./factor-ratings.ts` so that defining `factor` (every run, dense ones too) does not import the
 * ratings pipeline.
 *
 * @module
 */
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { escapeName } from '../core/errors.js';
import type { DType } from '../core/matrix.js';
import { BPMF_DEFAULT_BURN_IN, BPMF_DEFAULT_SAMPLES, DEFAULT_ALS_ITERATIONS, DEFAULT_BATCH_SIZE, DEFAULT_RATINGS_REG, DEFAULT_TUNING_TRIALS, IMPLICIT_DEFAULT_ITERATIONS, IMPLICIT_DEFAULT_REG, RATINGS_METHODS, type RatingsMethod } from '../methods/ratings-defaults.js';
import type { ClusterRatingsFlags } from './factor-ratings-cluster.js';
import type { FlagScope } from './options.js';

/** The flags of `factor` that dense and ratings runs share (rank options, training, output). */
export interface CommonFactorFlags {
  rank?: number;
  energy?: number;
  ratio?: number;
  tol?: number;
  epochs: number;
  lr?: number;
  lossTol?: number;
  momentum: number;
  dtype?: DType;
  seed: number;
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

/** The flags of a `factor` run on data with holes (ratings, missing entries). */
export interface RatingsFlags extends ClusterRatingsFlags, CommonFactorFlags {
  method: string;
  optimizer: string;
  format?: 'matrix' | 'dense' | 'ratings';
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
  test?: string;
  folds?: number;
  tune?: boolean;
  /** With `--tune`: random search of this many candidates instead of the grid. */
  trials?: number;
  compare?: boolean;
  samples?: number;
  burnIn?: number;
  alpha?: number;
  implicit?: boolean;
}

/**
 * The flags each model on data with holes reads (beyond `--rank` and `--seed`): the one place
 * that says so, for {@link ratingsFlagScopes}. `implicit` is `--implicit` (implicit ALS).
 */
export const RATINGS_METHOD_FLAGS: Readonly<Record<RatingsMethod | 'implicit', readonly string[]>> = {
  bpmf: ['samples', 'burnIn', 'alpha'],
  svdpp: ['reg', 'epochs', 'lr'],
  als: ['reg', 'sweeps', 'biases', 'lossTol'],
  gradient: ['reg', 'biases', 'optimizer', 'epochs', 'lr', 'batchSize', 'momentum', 'lossTol'],
  implicit: ['alpha', 'reg', 'sweeps'],
};

/**
 * The model `factor` trains on data with holes: `--implicit`, else `--method` when given (not
 * `auto`), else bpmf for ratings files and als for dense inputs with holes. A `--method` that
 * needs complete matrices is returned as given (the caller refuses it).
 */
export function ratingsMethodOf(f: Pick<RatingsFlags, 'method' | 'format' | 'implicit'>): RatingsMethod | 'implicit' | string {
  if (f.implicit) return 'implicit';
  return f.method !== 'auto' ? f.method : f.format === 'ratings' ? 'bpmf' : 'als';
}

/**
 * Where each model-specific flag of `factor` applies on data with holes (checked by
 * `rejectInapplicableFlags`): a flag is refused, naming it, the methods that read it and the
 * method of this run, unless the run's method reads it ({@link RATINGS_METHOD_FLAGS}; with
 * `--compare`, any of the compared methods, except `--reg`, which `--compare` gives to the
 * `--method` row only); `--momentum` needs `--optimizer sgd` besides.
 *
 * @example
 * ```ts
 * ratingsFlagScopes({ method: 'bpmf', format: 'ratings', optimizer: 'adam' }); // --epochs: "--method svdpp or gradient (this run: bpmf)"
 * ```
 */
export function ratingsFlagScopes(f: Pick<RatingsFlags, 'method' | 'format' | 'implicit' | 'compare' | 'optimizer' | 'tune'>): FlagScope[] {
  const method = ratingsMethodOf(f);
  const running: readonly string[] = f.compare && !f.implicit ? RATINGS_METHODS : [method];
  const flags = [...new Set(Object.values(RATINGS_METHOD_FLAGS).flat())];
  const scopes: FlagScope[] = flags.map((flag) => {
    const readers = (Object.keys(RATINGS_METHOD_FLAGS) as Array<keyof typeof RATINGS_METHOD_FLAGS>).filter((m) => RATINGS_METHOD_FLAGS[m].includes(flag));
    const methods = readers.filter((m) => m !== 'implicit');
    const where = [...(methods.length > 0 ? [`--method ${methods.join(' or ')}`] : []), ...(readers.includes('implicit') ? ['--implicit'] : [])].join(', or ');
    const run = method === 'implicit' ? '--implicit' : f.compare ? 'the --compare methods' : `--method ${method}`;
    return {
      flags: [flag],
      applies: running.some((m) => (readers as readonly string[]).includes(m)),
      context: `${where} (this run: ${run})`,
    };
  });
  // --compare gives --reg (like --rank) to the --method row only; the other rows keep their defaults.
  if (f.compare && !f.implicit) {
    scopes.unshift({ flags: ['reg'], applies: RATINGS_METHOD_FLAGS[method as RatingsMethod]?.includes('reg') ?? false, context: `--compare with a --method that reads it (svdpp, als or gradient; this run: --method ${method})` });
  }
  scopes.push({ flags: ['momentum'], applies: f.optimizer === 'sgd', context: '--optimizer sgd' });
  scopes.push({ flags: ['trials'], applies: !!f.tune, context: '--tune' });
  return scopes;
}

/** True when `factor` must take the missing-entries path: ratings input, `--missing`, `--mask` or `--method als`/`bpmf`/`svdpp`. */
export function isRatingsRun(flags: Pick<RatingsFlags, 'format' | 'missing' | 'mask' | 'method'>): boolean {
  return flags.format === 'ratings' || flags.missing !== undefined || flags.mask !== undefined || ['als', 'bpmf', 'svdpp'].includes(flags.method);
}

/** Extensions that are never ratings text (binary matrices, images). */
const NOT_TEXT = new Set(['.npy', '.npz', '.png', '.jpg', '.jpeg', '.gif', '.webp', '.mtx', '.safetensors', '.bin']);

/**
 * Like {@link isRatingsRun}, and without `--format`, looks at the file's first lines
 * (`detectRatingsText` of io/ratings.ts, imported only for a text input): a MovieLens-style file
 * (`userId,movieId,rating[,timestamp]` header, u.data's tab-separated timestamps, `::`) is read as
 * ratings whatever its extension (a note on
 * stderr says so); an ambiguous narrow table stays dense, with one line suggesting `--format ratings`
 * or `--format dense`. Sets `flags.format` to what was decided.
 */
export async function isRatingsInput(input: string, flags: RatingsFlags, cmd: Command): Promise<boolean> {
  const src = cmd.getOptionValueSource('format');
  const formatGiven = src !== undefined && src !== 'default';
  if (formatGiven || flags.missing !== undefined || flags.mask !== undefined || NOT_TEXT.has(extname(input).toLowerCase())) return isRatingsRun(flags);
  let head: string;
  try {
    const fh = await open(input, 'r');
    try {
      const buf = Buffer.alloc(64 * 1024);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await fh.close();
    }
  } catch {
    return isRatingsRun(flags); // the reader names the problem
  }
  if (head.includes('\0')) return isRatingsRun(flags);
  const { detectRatingsText } = await import('../io/ratings.js');
  const d = detectRatingsText(head);
  const talk = !flags.quiet && !flags.json;
  if (d.kind === 'ratings') {
    if (talk) process.stderr.write(`reading ${escapeName(input)} as ratings (${d.reason}); --format dense to read it as a matrix\n`);
    flags.format = 'ratings';
    return true;
  }
  if (d.kind === 'ambiguous' && !flags.quiet) {
    process.stderr.write(`note: ${escapeName(input)} may be user,item,rating triplets (${d.reason}); reading it as a dense matrix — give --format ratings or --format dense\n`);
  }
  return isRatingsRun(flags);
}

/** Adds the missing-entries flags to the `factor` command. */
export function addRatingsOptions(cmd: Command, parsers: {
  int: (flag: string, min?: number) => (v: string) => number;
  num: (flag: string) => (v: string) => number;
  choice: <T extends string>(flag: string, choices: readonly T[]) => (v: string) => T;
}): Command {
  return cmd
    .option('--format <fmt>', 'input format: dense (a matrix file; also "matrix") or ratings (lines user,item,rating[,timestamp]: CSV, TSV, "::"); default: ratings when the file looks like MovieLens ratings (header userId,movieId,rating; u.data; ratings.dat), else dense', parsers.choice('--format', ['matrix', 'dense', 'ratings'] as const), 'matrix')
    .option('--missing <how>', 'dense input with holes: nan (NaN entries are missing)', parsers.choice('--missing', ['nan'] as const))
    .option('--mask <file>', 'dense input with holes: a same-shape matrix, non-zero where the input is observed')
    .option('--duplicates <policy>', 'ratings: several ratings of one (user, item): error, mean or last', parsers.choice('--duplicates', ['error', 'mean', 'last'] as const), 'error')
    .option('--reg <lambda>', `svdpp, als, gradient with holes, --implicit: L2 regularisation λ per observed entry (default ${DEFAULT_RATINGS_REG.svdpp} svdpp, ${DEFAULT_RATINGS_REG.als} als, ${DEFAULT_RATINGS_REG.gradient} gradient on ratings, 0.02 on dense input, ${IMPLICIT_DEFAULT_REG} --implicit)`, parsers.num('--reg'))
    .option('--sweeps <n>', `als, --implicit: sweeps (default ${DEFAULT_ALS_ITERATIONS} als, ${IMPLICIT_DEFAULT_ITERATIONS} --implicit)`, parsers.int('--sweeps', 1))
    .option('--batch-size <n>', `gradient with holes: observed entries per step (default ${DEFAULT_BATCH_SIZE.adam} adam, ${DEFAULT_BATCH_SIZE.sgd} sgd)`, parsers.int('--batch-size', 1))
    .option('--biases', 'with holes: learn a global mean and user/item biases (default for --format ratings)')
    .option('--no-biases', 'with holes: factors only, no global mean or biases (default for dense input)')
    .option('--test-fraction <f>', 'with holes: hold out this fraction of the observed entries for evaluation (default 0)', parsers.num('--test-fraction'))
    .option('--per-user', 'with --test-fraction: hold out the fraction of each user\'s ratings')
    .option('--test <file>', 'ratings: score this test file (same format) — RMSE/MAE beside the baselines; users/items unseen in training are predicted by fallbacks and counted')
    .option('--folds <k>', 'ratings: K-fold cross-validation (mean and spread of the held-out RMSE; no model written); with --tune: tune by CV', parsers.int('--folds', 2))
    .option('--tune', 'ratings: search rank and λ (α for bpmf) on a validation split of the training ratings (or by --folds K), print the table, train with the best; a 3 × 3 grid, or random search with --trials N')
    .option('--trials <n>', `with --tune: random search of N candidates instead of the grid (integer rank uniform, λ or α log-uniform, drawn from --seed; N = ${DEFAULT_TUNING_TRIALS} costs about as much as the grid's 9 points)`, parsers.int('--trials', 1))
    .option('--compare', 'ratings: evaluate every ratings method (bpmf, svdpp, als, gradient) with its defaults, one table row each (with --test, --test-fraction or --folds); no model written')
    .option('--samples <n>', `bpmf: Gibbs samples averaged after burn-in (default ${BPMF_DEFAULT_SAMPLES})`, parsers.int('--samples', 1))
    .option('--burn-in <n>', `bpmf: burn-in sweeps discarded (default ${BPMF_DEFAULT_BURN_IN})`, parsers.int('--burn-in', 0))
    .option('--alpha <a>', 'bpmf: precision of the rating noise (default 2); --implicit: confidence scale α in 1 + α·r (default 2)', parsers.num('--alpha'))
    .option('--implicit', 'implicit feedback (plays, clicks; ratings read as interactions): implicit ALS (Hu, Koren & Volinsky 2008), top-10 precision/recall/nDCG/MAP on the held-out interactions beside the popularity baseline; a model for lowrank recommend');
}
