import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { LowRankError } from '../core/errors.js';
import { Matrix, assertFinite } from '../core/matrix.js';
import { checkOutputDir, writeOutputDir, type OutputFile } from '../io/files.js';
import { centerColumns, denseColumnMeans } from '../metrics/explained-variance.js';
import { checkSingleFileOutput, factorArrays, isSingleFileOutput, writeSingleFileOutput } from './single-output.js';
import { INDEX_COL_HELP, printNotes, readInput, STDIO_PATH } from './read-input.js';
import { writeNpy } from '../io/npy.js';
import { spectralErrorEstimate } from '../linalg/error-estimators.js';
import type { RangeNormalizer } from '../linalg/randomized-range.js';
import { AUTO_EXACT_MAX_SIDE, autoFactorize, exactFactorize, selectRank } from '../methods/auto.js';
import type { Factorization, Progress } from '../methods/factorization.js';
import { DEFAULT_EPOCHS, DEFAULT_MOMENTUM, DEFAULT_OPTIMIZER, type OptimizerName } from '../methods/gradient-defaults.js';
import { randomizedFactorize } from '../methods/randomized.js';
import { SVDPP_DEFAULT_EPOCHS, SVDPP_DEFAULT_LR } from '../methods/ratings-defaults.js';
import { resolveRankTarget, type RankTarget } from '../methods/rank-selection.js';
import { checkPositive } from '../methods/validate.js';
import { evaluateFactorization } from '../metrics/evaluate.js';
import { explainedRatios, pyShape, printJson } from './format.js';
import { DEFAULTS_HELP, choiceOption, intOption, numberOption, rejectInapplicableFlags, type FlagScope } from './options.js';
import { checkEvaluationInRange, evaluationLines } from './report.js';
import { FACTOR_OUTPUT_NAMES, factorFigureFiles } from './report-files.js';
import { DEFAULT_MAX_PIXELS, isImagePath } from '../io/image.js';
import { addRatingsOptions, isRatingsInput, ratingsFlagScopes, type CommonFactorFlags, type RatingsFlags } from './factor-ratings-options.js';
import type { StreamFlags } from './factor-stream.js';
import { memoryOption } from './size-options.js';

interface FactorFlags extends CommonFactorFlags {
  method: 'auto' | 'svd' | 'randomized' | 'gradient';
  oversample?: number;
  powerIters?: number | 'auto';
  krylov?: boolean;
  normalizer?: RangeNormalizer;
  tolRitz?: number;
  /** Passes over A: the in-memory randomized count, or the out-of-core one (see factor-stream.ts). */
  passes?: number;
  spectralError?: boolean;
  optimizer: OptimizerName;
  png?: boolean;
  report?: boolean;
  maxPixels: number;
  center?: boolean;
  indexCol?: boolean;
  force?: boolean;
}

/** Registers `lowrank factor INPUT --rank K`. */
export function registerFactor(program: Command): void {
  addRatingsOptions(program.command('factor'), { int: intOption, num: numberOption, choice: choiceOption })
    .description('factor a matrix file (.npy, .csv, .tsv, .txt) as U (n×k) · V (k×m); writes U.npy, V.npy (and S.npy for svd); ratings or missing entries (--format ratings, --missing nan, --method als) write a model directory for lowrank predict')
    .argument('<input>', 'matrix file (.npy, .npz, .csv, .tsv, .txt, .mtx, .png, .jpg; - reads stdin)')
    .option('--rank <k>', 'rank option: target rank k, 1 ≤ k ≤ min(n, m) (give exactly one rank option)', intOption('--rank'))
    .option('--energy <e>', 'rank option: smallest rank keeping a share e ∈ (0, 1] of ‖A‖²_F', numberOption('--energy'))
    .option('--tol <t>', 'rank option: smallest rank with relative Frobenius error ≤ t (complete matrices; with missing entries --loss-tol stops als/gradient)', numberOption('--tol'))
    .option('--ratio <r>', 'rank option: largest rank compressing by at least r = n·m / (k·(n + m)) ≥ 1', numberOption('--ratio'))
    .option('--method <name>', `auto (exact svd when min(n, m) ≤ ${AUTO_EXACT_MAX_SIDE}, else randomized), svd (exact optimum), randomized (Halko et al. / block Krylov), gradient (the seed's network), als (alternating least squares, for missing entries; the default with holes), bpmf (Bayesian PMF by Gibbs sampling; the default for ratings) or svdpp (SVD++, ratings)`, choiceOption('--method', ['auto', 'svd', 'randomized', 'gradient', 'als', 'bpmf', 'svdpp'] as const), 'auto')
    .option('--oversample <p>', `randomized: oversampling p ≥ 0 (${DEFAULTS_HELP.oversample})`, intOption('--oversample', 0))
    .option('--power-iters <q>', `randomized: power iterations q ≥ 0 or auto (${DEFAULTS_HELP.powerIters})`, powerItersOption)
    .option('--krylov', 'randomized: force block Krylov (default: auto, Krylov when its basis is small enough)')
    .option('--no-krylov', 'randomized: force subspace (power) iteration')
    .option('--normalizer <name>', 'randomized: re-normalization between passes, qr (default) or lu (cheaper)', choiceOption('--normalizer', ['qr', 'lu'] as const))
    .option('--tol-ritz <t>', `randomized: stop adding block Krylov blocks once the wanted Ritz values settle to this (${DEFAULTS_HELP.tolRitz})`, nonNegativeOption('--tol-ritz'))
    .option('--spectral-error', 'also estimate the spectral-norm error ‖A − UV‖₂ (power method on the residual, 2 passes per iteration)')
    .option('--loss-tol <t>', 'gradient method: stop when the loss changes by at most t (relative) in one epoch', numberOption('--loss-tol'))
    .option('--optimizer <name>', 'gradient method: adam, sgd or scaled', choiceOption('--optimizer', ['adam', 'sgd', 'scaled'] as const), DEFAULT_OPTIMIZER)
    .option('--epochs <n>', `gradient method: epochs (svdpp on ratings: ${SVDPP_DEFAULT_EPOCHS} unless given)`, intOption('--epochs', 1), DEFAULT_EPOCHS)
    .option('--lr <x>', `gradient method: learning rate (${DEFAULTS_HELP.lr}; svdpp on ratings ${SVDPP_DEFAULT_LR})`, numberOption('--lr'))
    .option('--momentum <mu>', 'gradient method with sgd: momentum in [0, 1)', numberOption('--momentum'), DEFAULT_MOMENTUM)
    .option('--dtype <dtype>', 'dtype of the factors: float32 or float64 (default: input\'s for svd/randomized, float32 for gradient)', choiceOption('--dtype', ['float32', 'float64'] as const))
    .option('--seed <s>', 'random seed', intOption('--seed', 0), 0)
    .option('--out <dir>', 'output directory (default: <input name>.lowrank); FILE.npz writes U, V, S (and mean) as one .npz; - writes that .npz to stdout (the report goes to stderr)')
    .option('--json', 'print one JSON object')
    .option('--quiet', 'no progress on stderr')
    .option('--png', 'also write comparison.png, residual.png, spectrum.png (and loss.png for gradient)')
    .option('--report', 'also write report.html: the figures, metrics and parameters in one self-contained page')
    .option('--force', 'allow the outputs to replace the command\'s own input files')
    .option('--max-pixels <n>', `image input (.png/.jpg, read as grey luma in [0, 255]): refuse more pixels than this, before decoding (default ${DEFAULT_MAX_PIXELS})`, intOption('--max-pixels', 1), DEFAULT_MAX_PIXELS)
    .option('--center', 'PCA: remove the column means first (implicitly for sparse .mtx input), write mean.npy and report the explained-variance ratio of each component (scikit-learn\'s PCA)')
    .option('--index-col', INDEX_COL_HELP)
    .option('--memory <bytes>', 'out of core: stream row blocks of a .npy file within this budget (e.g. 2GiB), never loading the matrix; needs --rank. Ratings: refuse in one line when the ratings and model would not fit', memoryOption)
    .option('--passes <p>', `passes over A. In memory (randomized): an even 2q + 2 fixing the count, for a time budget (${DEFAULTS_HELP.passes}). Out of core (with --memory, --block-rows or --cluster; --passes 1 alone too): 1 = single-pass sketch (Tropp et al. 2019), ≥ 2 = streamed randomized SVD (default 4)`, intOption('--passes', 1))
    .option('--cluster <url>', 'distributed: redis:// or rediss:// URL of the queue served by `lowrank worker` processes (row blocks of a .npy every worker can read; ratings: ALS half-sweeps by blocks of users and items, with --method als)')
    .option('--data-root <dir>', 'distributed ALS (ratings with --cluster): a directory every worker sees at the same path, inside their --data-root; the run\'s CSR and factor files go there (default: the current directory)')
    .option('--job-id <id>', 'distributed: name of the run; a coordinator restarted with the same id resumes from the completed blocks')
    .option('--block-rows <n>', 'out of core: rows per block (default: from --memory); the same value gives the same sums, bitwise, in one process or a cluster', intOption('--block-rows', 1))
    .action(async (input: string, flags: FactorFlags & RatingsFlags & StreamFlags, cmd: Command) => {
      // --passes alone fixes the in-memory count; the single-pass sketch (1) exists only streamed.
      // Ratings take --memory and --cluster on their own path (factor-ratings-cluster.ts).
      const ratings = await isRatingsInput(input, flags, cmd);
      // The streaming and ratings pipelines are imported only by the runs that take them.
      if (!ratings && (flags.memory !== undefined || flags.passes === 1 || flags.cluster !== undefined || flags.blockRows !== undefined)) {
        rejectInapplicableFlags(cmd, streamFlagScopes(flags));
        checkStreamMethod(flags.method);
        return (await import('./factor-stream.js')).runStreamFactor(input, flags);
      }
      rejectInapplicableFlags(cmd, factorFlagScopes(input, flags, ratings));
      if (ratings) return (await import('./factor-ratings.js')).runFactorRatings(input, flags, cmd);
      await runFactor(input, flags);
    });
}

/** Flags of `factor` that only apply to complete (dense) matrices, by method, or to data with holes. */
const DENSE_ONLY = ['png', 'report', 'spectralError', 'maxPixels', 'center', 'indexCol'] as const;
const RANDOMIZED_KNOBS = ['oversample', 'powerIters', 'krylov', 'normalizer', 'tolRitz', 'passes'] as const;
const GRADIENT_ONLY = ['optimizer', 'epochs', 'lr', 'momentum', 'lossTol'] as const;
const HOLES_ONLY = ['duplicates', 'reg', 'sweeps', 'batchSize', 'biases', 'testFraction', 'perUser', 'test', 'folds', 'tune', 'trials', 'compare', 'samples', 'burnIn', 'alpha', 'implicit'] as const;

/** The missing-entries flags: refused on complete matrices, in memory or streamed. */
const HOLES_SCOPE: FlagScope = { flags: HOLES_ONLY, applies: false, context: 'ratings or missing entries (--format ratings, --missing nan, --mask, --method als)' };

/**
 * Flags an out-of-core `factor` run (--memory, --block-rows, --cluster, --passes 1) does not
 * read, refused by name instead of ignored: it runs the streamed randomized SVD of the stored
 * matrix (--rank, --oversample, --passes, --seed) and writes factors in the file's dtype.
 * `--center` is refused by the streamed run itself, naming why, and a `--method` other
 * than randomized or auto by `checkStreamMethod`.
 */
export function streamFlagScopes(f: Pick<StreamFlags, 'passes' | 'cluster'> = {}): FlagScope[] {
  const inMemory = 'in-memory runs (not --memory, --block-rows, --cluster or --passes 1)';
  const denseOnly = DENSE_ONLY.filter((x) => x !== 'center');
  return [
    HOLES_SCOPE,
    // The streamed runs need --rank: a second rank option would be dropped.
    { flags: [...denseOnly, 'powerIters', 'krylov', 'normalizer', 'tolRitz', ...GRADIENT_ONLY, 'momentum', 'dtype', 'energy', 'tol', 'ratio'], applies: false, context: inMemory },
    // The single-pass sketch sizes its own sketches (sketchSizesFor).
    { flags: ['oversample'], applies: f.passes !== 1, context: '--passes ≥ 2 (the single-pass sketch sizes its own sketches)' },
    { flags: ['jobId'], applies: f.cluster !== undefined, context: '--cluster' },
  ];
}

/** `--method` of an out-of-core `factor` run: the streamed randomized SVD is the only one there. */
function checkStreamMethod(method: string): void {
  if (method !== 'auto' && method !== 'randomized') {
    throw new LowRankError('E_ARG', `--method ${method}: out of core (--memory, --block-rows, --cluster, --passes 1) the method is the streamed randomized SVD; use --method randomized or auto, or run in memory`);
  }
}

/**
 * Where each conditional flag of `factor` applies (checked by {@link rejectInapplicableFlags}):
 * the randomized knobs with `--method auto|randomized`, the training flags with `--method
 * gradient` (or data with holes), `--momentum` with `--optimizer sgd`, the figures and dense-input
 * flags with complete matrices, the missing-entries flags with ratings or holes, and on those each
 * model's own flags with that model ({@link ratingsFlagScopes}).
 */
export function factorFlagScopes(input: string, f: FactorFlags & RatingsFlags, ratings: boolean): FlagScope[] {
  if (ratings) {
    return [
      { flags: [...DENSE_ONLY, ...RANDOMIZED_KNOBS], applies: false, context: 'complete matrices (not ratings or missing entries)' },
      // The implicit model's factors are written in float64; --folds scores its models as trained.
      { flags: ['dtype'], applies: !f.implicit && (f.folds === undefined || !!f.tune), context: 'explicit models (not --implicit, or --folds without --tune)' },
      // (--cluster refuses --compare and --folds itself, naming them.)
      { flags: ['out'], applies: f.cluster !== undefined || (!f.compare && (f.folds === undefined || !!f.tune)), context: 'runs that write a model (not --compare, or --folds without --tune)' },
      ...ratingsFlagScopes(f),
    ];
  }
  return [
    HOLES_SCOPE,
    // --job-id names a cluster run; --data-root is the shared folder of distributed ALS.
    { flags: ['jobId'], applies: false, context: '--cluster' },
    { flags: ['dataRoot'], applies: false, context: 'distributed ALS on ratings (--cluster with --format ratings)' },
    { flags: RANDOMIZED_KNOBS, applies: f.method === 'auto' || f.method === 'randomized', context: '--method randomized or auto' },
    // A fixed count (--passes, a numeric --power-iters) or subspace iteration never reads the adaptive stop.
    { flags: ['tolRitz'], applies: f.krylov !== false && f.passes === undefined && (f.powerIters === undefined || f.powerIters === 'auto'), context: 'the adaptive block Krylov stop (not --no-krylov, --passes or a numeric --power-iters)' },
    { flags: GRADIENT_ONLY, applies: f.method === 'gradient', context: '--method gradient' },
    { flags: ['momentum'], applies: f.optimizer === 'sgd', context: '--optimizer sgd' },
    { flags: ['maxPixels'], applies: isImagePath(input) || input === STDIO_PATH, context: 'image input (.png, .jpg, or - for stdin)' },
  ];
}

async function runFactor(input: string, f: FactorFlags): Promise<void> {
  const loaded = await readInput(input, { indexCol: f.indexCol, maxPixels: f.maxPixels, sparse: true });
  printNotes(loaded.notes, f.json || f.quiet);
  const inputs = input === STDIO_PATH ? [] : [input];
  const out = f.out ?? join('.', `${input === STDIO_PATH ? 'stdin' : basename(input, extname(input))}.lowrank`);
  input = loaded.name;
  if (loaded.kind === 'sparse') {
    const { runSparseFactor } = await import('./factor-sparse.js');
    await runSparseFactor(loaded.matrix, input, out, f, { inputs, force: f.force });
    return;
  }
  // The svd, randomized and auto methods check A themselves (one pass, named by the input through
  // their inputName option); the others, and --center (whose mean would spread a NaN), are checked here.
  const methodChecks = (f.method === 'auto' || f.method === 'svd' || f.method === 'randomized') && !f.center;
  if (!methodChecks) assertFinite(loaded.matrix, input);
  // --center: PCA on A − 1·μᵀ (a centered copy of a dense input).
  const mean = f.center ? denseColumnMeans(loaded.matrix.data, loaded.matrix.rows, loaded.matrix.cols) : undefined;
  const a = mean ? centerColumns(loaded.matrix, mean) : loaded.matrix;
  const targetFlags: RankTarget = { rank: f.rank, energy: f.energy, tol: f.tol, ratio: f.ratio };
  resolveRankTarget(targetFlags, a.rows, a.cols, '--');
  if (f.lr !== undefined) checkPositive('--lr', f.lr);
  if (f.lossTol !== undefined) checkPositive('--loss-tol', f.lossTol, true);
  if (f.passes !== undefined && f.passes % 2 !== 0) {
    throw new LowRankError('E_ARG', `--passes must be even in memory (2q + 2 passes over A; --passes 1 streams the single-pass sketch, with --memory for others), got ${f.passes}`);
  }
  const single = isSingleFileOutput(out);
  if (single) await checkSingleFileOutput(out, { inputs, force: f.force, figures: !!(f.png || f.report) });
  else await checkOutputDir(out, { inputs, force: f.force, names: FACTOR_OUTPUT_NAMES });
  const progress = !f.json && !f.quiet;
  const randomizedKnobs = {
    oversample: f.oversample,
    powerIters: f.powerIters,
    krylov: f.krylov ?? ('auto' as const),
    normalizer: f.normalizer,
    tolRitz: f.tolRitz,
    passes: f.passes,
    seed: f.seed,
    dtype: f.dtype,
    // Passes over A, on a terminal only (a progress line, not a log).
    onProgress: progress && process.stderr.isTTY
      ? (p: Progress) => process.stderr.write(`\rrandomized SVD: pass ${p.epoch}/${p.total}${p.epoch === p.total ? '\n' : ''}`)
      : undefined,
  };
  let result: Factorization;
  if (f.method === 'auto') {
    result = autoFactorize(a, { ...targetFlags, ...randomizedKnobs, inputName: input });
  } else if (f.method === 'svd') {
    result = exactFactorize(a, { ...targetFlags, dtype: f.dtype, inputName: input });
  } else if (f.method === 'randomized') {
    result = randomizedFactorize(a, { ...targetFlags, ...randomizedKnobs, inputName: input });
  } else {
    const rank = selectRank(a, { ...targetFlags, ...randomizedKnobs, dtype: undefined });
    const { gradientFactorize } = await import('../methods/gradient.js');
    result = gradientFactorize(a, {
      rank,
      optimizer: f.optimizer,
      epochs: f.epochs,
      lr: f.lr,
      lossTol: f.lossTol,
      momentum: f.momentum,
      dtype: f.dtype,
      seed: f.seed,
      onProgress: progress ? (p) => process.stderr.write(`epoch ${p.epoch}/${p.total}: loss ${p.loss.toExponential(4)}\n`) : undefined,
    });
  }
  // ‖A‖_F: the randomized method's own (its sum of squares), not a second pass over A.
  const evaluation = evaluateFactorization(a, result, { seed: f.seed, normA: result.method === 'randomized' ? result.params.normA : undefined });
  checkEvaluationInRange(evaluation, input);
  const spectral = f.spectralError ? spectralErrorEstimate(a, result.U, result.V, { seed: f.seed }) : undefined;
  // One set: factors, figures and report.html replace the old set together (a reader never sees a mix).
  const outputs: OutputFile[] = [
    { name: 'U.npy', bytes: writeNpy(result.U) },
    { name: 'V.npy', bytes: writeNpy(result.V) },
  ];
  if (result.S) outputs.push({ name: 'S.npy', bytes: writeNpy(new Matrix(1, result.S.length, result.S), { oneD: true }) });
  if (mean) outputs.push({ name: 'mean.npy', bytes: writeNpy(new Matrix(1, mean.length, mean), { oneD: true }) });
  // PCA's explained_variance_ratio_: σᵢ² / ‖A − 1·μᵀ‖²_F (the methods that know σ).
  const explained = mean && result.S ? explainedRatios(result.S, evaluation.normA) : undefined;
  outputs.push(...(await factorFigureFiles(input, a, result, evaluation, { png: f.png ?? false, report: f.report ?? false })));
  const files = single
    ? [{ path: await writeSingleFileOutput(out, factorArrays(result.U, result.V, result.S, mean), { inputs, force: f.force }) }]
    : (await writeOutputDir(out, outputs, { inputs, force: f.force })).map((path) => ({ path }));
  // With --out - stdout carries the .npz: the report goes to stderr.
  const report = out === STDIO_PATH ? process.stderr : process.stdout;
  if (f.json) {
    printJson({
      input,
      shape: [a.rows, a.cols],
      method: result.method,
      params: result.params,
      epochsRun: result.epochsRun,
      finalLoss: result.lossHistory ? result.lossHistory[result.lossHistory.length - 1] : undefined,
      timings: result.timings,
      singularValues: result.S,
      centered: mean !== undefined,
      explainedVarianceRatio: explained,
      ...evaluation,
      spectralError: spectral?.estimate,
      files: files.map((x) => x.path),
    }, report);
    return;
  }
  // How the rank target was met: on the methods that choose k from singular values.
  const p = result.method === 'svd' || result.method === 'randomized' ? result.params : null;
  const details: string[] = [];
  if (p?.auto) details.push('auto-selected');
  if (result.method === 'gradient') details.push(`${result.params.optimizer}, ${result.epochsRun} epochs, lr ${result.params.lr}`);
  if (result.method === 'randomized') {
    const r = result.params;
    details.push(`${r.krylov ? 'block Krylov' : 'subspace iteration'}, q = ${r.powerIters}, ${r.passes} passes over A (${STOP_REASON_TEXT[r.stopReason]}), sketch ${r.sketchSize}${r.krylov ? `, basis ${r.basisSize}` : ''}`);
  }
  const how = details.length > 0 ? ` (${details.join('; ')})` : '';
  const chosen = p?.criterion !== undefined && p.criterion !== 'rank' ? ` (chosen by --${p.criterion} ${p.target})` : '';
  const lines = [
    `Input: ${input} ${pyShape(a)} ${a.dtype}${mean ? ', columns centered (--center: figures are of A − 1·μᵀ)' : ''}`,
    `Method: ${result.method}${how}, rank ${result.rank}${chosen}, ${result.timings.totalMs.toFixed(1)} ms`,
    `U shape: ${pyShape(result.U)}, V shape: ${pyShape(result.V)} (${result.U.dtype})`,
    ...evaluationLines(evaluation),
  ];
  if (p?.numericalRank !== undefined && p.numericalRank < result.rank) {
    lines.push(`Numerical rank: ${p.numericalRank} (the other ${result.rank - p.numericalRank} singular values are 0 to working precision)`);
  }
  if (explained) lines.push((await import('./factor-sparse.js')).explainedLine(explained, true));
  if (spectral) lines.push(`Spectral Error ‖A − UV‖₂ ≈ ${spectral.estimate.toExponential(4)} (power method on the residual, ${spectral.iterations} iterations)`);
  lines.push(`Wrote ${files.map((x) => x.path).join(', ')}`);
  report.write(lines.join('\n') + '\n');
}

/** How `factor`'s report says why the randomized passes stopped. */
const STOP_REASON_TEXT = {
  converged: 'adaptive: the Ritz values settled',
  'max-passes': 'adaptive: the most passes allowed, not settled',
  fixed: 'fixed count',
} as const;

/** Parses a finite number ≥ 0 for `flag`. */
function nonNegativeOption(flag: string): (value: string) => number {
  const parse = numberOption(flag);
  return (value: string) => {
    const x = parse(value);
    if (x < 0) throw new LowRankError('E_ARG', `${flag} must be ≥ 0, got '${value}'`);
    return x;
  };
}

/** Parses `--power-iters`: a non-negative integer or `auto`. */
function powerItersOption(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  const x = Number(value);
  if (value.trim() === '' || !Number.isInteger(x) || x < 0) {
    throw new LowRankError('E_ARG', `--power-iters must be an integer ≥ 0 or auto, got '${value}'`);
  }
  return x;
}

/** Rejects a factor pair whose shapes do not fit an n×m original. */
export function checkFactorShapes(u: Matrix, v: Matrix, uName: string, vName: string, n?: number, m?: number): void {
  if (u.cols !== v.rows) {
    throw new LowRankError('E_SHAPE', `${uName} is ${u.rows}×${u.cols} but ${vName} is ${v.rows}×${v.cols}: inner dimensions differ`);
  }
  if (n !== undefined && m !== undefined && (u.rows !== n || v.cols !== m)) {
    throw new LowRankError('E_SHAPE', `${uName}·${vName} is ${u.rows}×${v.cols} but the original is ${n}×${m}`);
  }
}
