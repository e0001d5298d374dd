import type { Backend } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { Rng } from '../core/rng.js';
import type { CooMatrix, CsrMatrix } from '../core/sparse.js';
import { alsHalfSweep } from './als-half-sweep.js';
import { newAlsScratch } from './als-row-solve.js';
import type { Biases, Factorization, Progress } from './factorization.js';
import { errorSums, valueRange } from './rating-model.js';
import { checkInteger, checkPositive, checkRank } from './validate.js';

/** Default ALS sweeps: 10, Spark's `maxIter` default. */
export const DEFAULT_ALS_ITERATIONS = 10;

/** Options of {@link alsFactorize}. */
export interface AlsOptions {
  /** Target rank k, 1 ≤ k ≤ min(n, m). */
  rank: number;
  /**
   * Regularisation λ (default 0.1, Spark's `regParam`). Weighted-λ as in Spark's ALS (Zhou et al.
   * 2008): a row with c observed entries is penalised by λ·c·‖x‖², so the penalty grows with the
   * data and one λ suits rows of any activity.
   */
  reg?: number;
  /** Sweeps (default {@link DEFAULT_ALS_ITERATIONS} = 10, Spark's `maxIter`); one sweep solves every row, then every column. */
  iterations?: number;
  /**
   * Learn a global mean and row/column biases beside the factors (default false, as Spark):
   * the mean μ of the training entries is subtracted, and each half-sweep solves [x, b] with the
   * other side's vectors augmented by a constant 1 — a (k+1)×(k+1) system per row.
   */
  biases?: boolean;
  /** Seed of the initial column factors (default 0). */
  seed?: number;
  /** Early stop when the training MSE changes by at most `lossTol` (relative) in one sweep (default 0: run every sweep). */
  lossTol?: number;
  /** Held-out entries (same n×m): their RMSE is reported through `onProgress` after every sweep. */
  validation?: CooMatrix;
  /**
   * Clipping range of the validation predictions (default: the range of the training values;
   * `null`: no clipping).
   */
  range?: readonly [number, number] | null;
  /** Called after every sweep with the training MSE (and the validation RMSE). */
  onProgress?: (p: Progress) => void;
  /**
   * Kernel tier (default: the current backend). The native tier solves the rows across its
   * threads, the wasm tier on one; every tier gives the same bits (see {@link alsHalfSweep}).
   */
  backend?: Backend;
}

/**
 * Regularised alternating least squares over the observed entries of a sparse matrix R (n×m):
 * minimises Σ_{(i,j) observed} (r_ij − μ − b_i − c_j − u_i·v_j)² + λ(Σ_i n_i‖u_i‖² + Σ_j m_j‖v_j‖²)
 * (biases only with `biases: true`; n_i, m_j = observed counts of row i and column j), the
 * weighted-λ objective of Zhou, Wilkinson, Schreiber & Pan (2008) used by Spark MLlib's ALS.
 *
 * Each half-sweep fixes one side and, for every row, forms the k×k normal matrix Σ v_j v_jᵀ over
 * the row's observed columns plus λ·n_i·I, and solves it by Cholesky — O(nnz·k² + (n+m)·k³) per
 * sweep, no allocation inside the loop. A row or column with no observed entry gets a zero
 * vector (and bias), so it predicts μ + the other bias. Factors are float64.
 *
 * The loss recorded per sweep is the training MSE after that sweep (ALS decreases the
 * regularised objective monotonically, not necessarily the MSE).
 *
 * @param r the observed entries, row indexing; the column indexing is built once (O(nnz)).
 * @throws {@link LowRankError} `E_ARG` for a bad rank, λ, iterations or lossTol, or no observed
 *   entries; `E_DIVERGED` when a normal matrix is singular even with a ridge (λ = 0 on rank-deficient data).
 * @example
 * ```ts
 * const f = alsFactorize(ratings, { rank: 20, reg: 0.05, biases: true });
 * predictRating({ ...f, range: [1, 5] }, user, item);
 * ```
 */
export function alsFactorize(r: CsrMatrix, options: AlsOptions): Factorization<'als'> {
  const t0 = performance.now();
  const n = r.rows;
  const m = r.cols;
  const k = options.rank;
  checkRank(k, n, m);
  if (r.nnz === 0) throw new LowRankError('E_ARG', `ALS needs observed entries; the ${n}×${m} input has none`);
  const reg = options.reg ?? 0.1;
  checkPositive('reg', reg, true);
  const iterations = options.iterations ?? DEFAULT_ALS_ITERATIONS;
  checkInteger('iterations', iterations, 1);
  const tol = options.lossTol ?? 0;
  checkPositive('lossTol', tol, true);
  const useBiases = options.biases ?? false;
  const seed = options.seed ?? 0;
  const range = options.range === undefined ? valueRange(r.values) : options.range;
  const validation = options.validation;
  if (validation && (validation.rows !== n || validation.cols !== m)) {
    throw new LowRankError('E_SHAPE', `validation entries are ${validation.rows}×${validation.cols} but the training matrix is ${n}×${m}`);
  }

  const byCol = r.transpose();
  let mu = 0;
  if (useBiases) {
    for (let p = 0; p < r.nnz; p++) mu += r.values[p];
    mu /= r.nnz;
  }
  const u = new Float64Array(n * k);
  const w = new Float64Array(m * k); // V transposed: column vectors contiguous
  const rng = new Rng(seed);
  rng.fillNormal(w, 0, 1 / Math.sqrt(k));
  const bu = useBiases ? new Float64Array(n) : null;
  const bi = useBiases ? new Float64Array(m) : null;
  const scratch = newAlsScratch(k + (useBiases ? 1 : 0));
  const backend = options.backend ?? getBackend();
  const biases: Biases | null = bu && bi ? { global: mu, user: bu, item: bi } : null;

  const history = new Float64Array(iterations);
  const sweepMs: number[] = [];
  let epochsRun = 0;
  let stoppedEarly = false;
  for (let it = 0; it < iterations; it++) {
    const ts = performance.now();
    alsHalfSweep({ rows: r, fixed: w, fixedBias: bi, out: u, outBias: bu, k, reg, mu, scratch, backend });
    alsHalfSweep({ rows: byCol, fixed: u, fixedBias: bu, out: w, outBias: bi, k, reg, mu, scratch, backend });
    sweepMs.push(performance.now() - ts);
    const loss = trainingMse(r, u, w, k, biases);
    history[it] = loss;
    epochsRun = it + 1;
    if (!Number.isFinite(loss)) {
      throw new LowRankError('E_DIVERGED', `ALS diverged: the training loss became ${loss} at sweep ${it}`);
    }
    if (options.onProgress) {
      const p: Progress = { epoch: it, total: iterations, loss };
      if (validation) {
        const s = errorSums(u, w, k, biases, validation, range);
        p.validationRmse = s.count > 0 ? Math.sqrt(s.sse / s.count) : NaN;
      }
      options.onProgress(p);
    }
    if (tol > 0 && it > 0 && Math.abs(history[it - 1] - loss) <= tol * history[it - 1]) {
      stoppedEarly = true;
      break;
    }
  }
  const V = new Matrix(m, k, w).transpose();
  const totalMs = performance.now() - t0;
  const result: Factorization<'als'> = {
    method: 'als',
    rank: k,
    U: new Matrix(n, k, u),
    V,
    lossHistory: history.slice(0, epochsRun),
    epochsRun,
    timings: {
      totalMs,
      sweepMsMean: sweepMs.reduce((a, b) => a + b, 0) / sweepMs.length,
      sweepMsMax: Math.max(...sweepMs),
    },
    params: { reg, iterations, biases: useBiases, seed, lossTol: tol, stoppedEarly, nnz: r.nnz },
  };
  if (biases) result.biases = biases;
  return result;
}

/** Mean squared error over the observed entries (no clipping). */
function trainingMse(r: CsrMatrix, u: Float64Array, w: Float64Array, k: number, biases: Biases | null): number {
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
