import type { Backend } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import type { CooMatrix, CsrMatrix } from '../core/sparse.js';
import { alsHalfSweep } from './als-half-sweep.js';
import { alsRunResult, endAlsSweep, startAlsRun } from './als-run.js';
import { newAlsScratch } from './als-row-solve.js';
import type { Factorization, Progress } from './factorization.js';

export { DEFAULT_ALS_ITERATIONS } from './ratings-defaults.js';

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
  const run = startAlsRun(r, options);
  const { k, reg, mu, u, w, bu, bi } = run;
  const byCol = r.transpose();
  const scratch = newAlsScratch(k + (bu ? 1 : 0));
  const backend = options.backend ?? getBackend();
  for (let it = 0; it < run.iterations; it++) {
    const ts = performance.now();
    alsHalfSweep({ rows: r, fixed: w, fixedBias: bi, out: u, outBias: bu, k, reg, mu, scratch, backend });
    alsHalfSweep({ rows: byCol, fixed: u, fixedBias: bu, out: w, outBias: bi, k, reg, mu, scratch, backend });
    if (endAlsSweep(run, r, it, performance.now() - ts)) break;
  }
  return alsRunResult(run, r.nnz);
}
