import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { Rng } from '../core/rng.js';
import type { CooMatrix, CsrMatrix } from '../core/sparse.js';
import type { AlsOptions } from './als.js';
import type { Biases, Factorization, Progress } from './factorization.js';
import { errorSums, valueRange } from './rating-model.js';
import { checkInteger, checkPositive, checkRank, checkSquarable } from './validate.js';
import { DEFAULT_ALS_ITERATIONS } from './ratings-defaults.js';

/**
 * The validated settings, the state and the record of one ALS run: what `alsFactorize` and the
 * distributed coordinator share, so that both start from the same bits and stop by the same rule.
 * The half-sweeps themselves are the caller's (in process, or by workers).
 */
export interface AlsRun {
  /** Rows (users) and columns (items) of R. */
  n: number;
  m: number;
  /** Rank k. */
  k: number;
  /** Regularisation λ. */
  reg: number;
  /** Sweeps at most. */
  iterations: number;
  /** Relative early-stop tolerance of the training MSE (0: none). */
  lossTol: number;
  /** Seed of the initial column factors. */
  seed: number;
  /** Global mean μ (0 without biases). */
  mu: number;
  /** Row factors, n×k row-major. */
  u: Float64Array;
  /** Column factors, m×k row-major (V transposed: column vectors contiguous). */
  w: Float64Array;
  /** Row and column biases, or null without biases. */
  bu: Float64Array | null;
  bi: Float64Array | null;
  /** μ with the two bias vectors, or null without biases. */
  biases: Biases | null;
  /** Held-out entries scored after every sweep, and the clipping range of their predictions. */
  validation: CooMatrix | undefined;
  range: readonly [number, number] | null;
  /** Called after every sweep. */
  onProgress: ((p: Progress) => void) | undefined;
  /** The training MSE after each sweep (the first `epochsRun` are set). */
  history: Float64Array;
  /** Wall time of each sweep, ms. */
  sweepMs: number[];
  /** Sweeps completed. */
  epochsRun: number;
  /** Whether the `lossTol` stop ended the run. */
  stoppedEarly: boolean;
  /** `performance.now()` at the start. */
  t0: number;
}

/**
 * Validates the options of an ALS run on R and sets up its initial state: μ (with biases), zero
 * row factors and biases, and column factors drawn N(0, 1/k) from `seed`.
 *
 * @throws {@link LowRankError} `E_ARG` for a bad rank, λ, iterations or lossTol, or no observed
 *   entries; `E_SHAPE` for validation entries of another shape.
 */
export function startAlsRun(r: CsrMatrix, options: AlsOptions): AlsRun {
  const t0 = performance.now();
  const n = r.rows;
  const m = r.cols;
  const k = options.rank;
  checkRank(k, n, m);
  if (r.nnz === 0) throw new LowRankError('E_ARG', `ALS needs observed entries; the ${n}×${m} input has none`);
  checkSquarable(r.values, 'float64', 'ratings', 'ALS');
  const reg = options.reg ?? 0.1;
  checkPositive('reg', reg, true);
  const iterations = options.iterations ?? DEFAULT_ALS_ITERATIONS;
  checkInteger('iterations', iterations, 1);
  const lossTol = options.lossTol ?? 0;
  checkPositive('lossTol', lossTol, true);
  const useBiases = options.biases ?? false;
  const seed = options.seed ?? 0;
  const range = options.range === undefined ? valueRange(r.values) : options.range;
  const validation = options.validation;
  if (validation && (validation.rows !== n || validation.cols !== m)) {
    throw new LowRankError('E_SHAPE', `validation entries are ${validation.rows}×${validation.cols} but the training matrix is ${n}×${m}`);
  }
  let mu = 0;
  if (useBiases) {
    for (let p = 0; p < r.nnz; p++) mu += r.values[p];
    mu /= r.nnz;
  }
  const u = new Float64Array(n * k);
  const w = new Float64Array(m * k);
  new Rng(seed).fillNormal(w, 0, 1 / Math.sqrt(k));
  const bu = useBiases ? new Float64Array(n) : null;
  const bi = useBiases ? new Float64Array(m) : null;
  const biases: Biases | null = bu && bi ? { global: mu, user: bu, item: bi } : null;
  return {
    n, m, k, reg, iterations, lossTol, seed, mu, u, w, bu, bi, biases, validation, range,
    onProgress: options.onProgress,
    history: new Float64Array(iterations), sweepMs: [], epochsRun: 0, stoppedEarly: false, t0,
  };
}

/**
 * Records sweep `it` (which took `ms`): the training MSE, the progress callback (with the
 * validation RMSE), and the `lossTol` stop.
 *
 * @returns true when the run should stop early.
 * @throws {@link LowRankError} `E_DIVERGED` when the training loss is not finite.
 */
export function endAlsSweep(run: AlsRun, r: CsrMatrix, it: number, ms: number): boolean {
  run.sweepMs.push(ms);
  const loss = alsTrainingMse(r, run.u, run.w, run.k, run.biases);
  run.history[it] = loss;
  run.epochsRun = it + 1;
  if (!Number.isFinite(loss)) {
    throw new LowRankError('E_DIVERGED', `ALS diverged: the training loss became ${loss} at sweep ${it}`);
  }
  if (run.onProgress) {
    const p: Progress = { epoch: it, total: run.iterations, loss };
    if (run.validation) {
      const s = errorSums(run.u, run.w, run.k, run.biases, run.validation, run.range);
      p.validationRmse = s.count > 0 ? Math.sqrt(s.sse / s.count) : NaN;
    }
    run.onProgress(p);
  }
  if (run.lossTol > 0 && it > 0 && Math.abs(run.history[it - 1] - loss) <= run.lossTol * run.history[it - 1]) {
    run.stoppedEarly = true;
    return true;
  }
  return false;
}

/** The factorization an ALS run ends with: U (n×k), V (k×m), biases, loss history and timings. */
export function alsRunResult(run: AlsRun, nnz: number): Factorization<'als'> {
  const { n, m, k, sweepMs } = run;
  const result: Factorization<'als'> = {
    method: 'als',
    rank: k,
    U: new Matrix(n, k, run.u),
    V: new Matrix(m, k, run.w).transpose(),
    lossHistory: run.history.slice(0, run.epochsRun),
    epochsRun: run.epochsRun,
    timings: {
      totalMs: performance.now() - run.t0,
      sweepMsMean: sweepMs.reduce((a, b) => a + b, 0) / sweepMs.length,
      sweepMsMax: Math.max(...sweepMs),
    },
    params: {
      reg: run.reg, iterations: run.iterations, biases: run.biases !== null, seed: run.seed,
      lossTol: run.lossTol, stoppedEarly: run.stoppedEarly, nnz,
    },
  };
  if (run.biases) result.biases = run.biases;
  return result;
}

/** Mean squared error over the observed entries (no clipping), summed in entry order. */
function alsTrainingMse(r: CsrMatrix, u: Float64Array, w: Float64Array, k: number, biases: Biases | null): number {
  const { indptr, indices, values } = r;
  let sse = 0;
  for (let i = 0; i < r.rows; i++) {
    const ui = i * k;
    const off = biases ? biases.global + biases.user[i] : 0;
    for (let p = indptr[i]; p < indptr[i + 1]; p++) {
      const j = indices[p];
      const wj = j * k;
      let s = off + (biases ? biases.item[j] : 0);
      for (let l = 0; l < k; l++) s += u[ui + l] * w[wj + l];
      const e = s - values[p];
      sse += e * e;
    }
  }
  return sse / r.nnz;
}
