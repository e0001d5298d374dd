import type { CsrMatrix } from '../core/sparse.js';
import { newAlsScratch, solveRegularizedRow, type AlsScratch } from './als-row-solve.js';

/** Arguments of {@link alsHalfSweep}. */
export interface AlsHalfSweepArgs {
  /** The observed entries, one CSR row per unknown row of `out` (R for the users, Rᵀ for the items). */
  rows: CsrMatrix;
  /** The fixed side's vectors, row-major, `rows.cols` rows of length k. */
  fixed: Float64Array;
  /** The fixed side's biases (length `rows.cols`), or null without biases. */
  fixedBias: Float64Array | null;
  /** Receives the solved vectors, row-major, `rows.rows` rows of length k. */
  out: Float64Array;
  /** Receives the solved biases (length `rows.rows`), or null without biases. */
  outBias: Float64Array | null;
  /** Rank k. */
  k: number;
  /** Regularisation λ (weighted by each row's count). */
  reg: number;
  /** Global mean μ subtracted from the values (0 without biases). */
  mu: number;
  /** Reusable buffers of dimension k (+1 with biases); allocated when absent. */
  scratch?: AlsScratch;
}

/**
 * One ALS half-sweep: with one side fixed, solves every row of `out` by
 * {@link solveRegularizedRow}. A row with no observed entry gets a zero vector and bias.
 * Rows are independent, so any split of the rows into blocks gives the same bits.
 *
 * @throws {@link LowRankError} `E_DIVERGED` when a normal matrix is singular even with a ridge.
 */
export function alsHalfSweep(args: AlsHalfSweepArgs): void {
  const { rows: r, fixed, fixedBias, out, outBias, k, reg, mu } = args;
  const scratch = args.scratch ?? newAlsScratch(k + (outBias ? 1 : 0));
  const { indptr, indices, values } = r;
  const x = scratch.rhs;
  for (let i = 0; i < r.rows; i++) {
    const base = i * k;
    if (!solveRegularizedRow(indices, values, indptr[i], indptr[i + 1], fixed, fixedBias, k, reg, mu, scratch)) {
      out.fill(0, base, base + k);
      if (outBias) outBias[i] = 0;
      continue;
    }
    for (let a = 0; a < k; a++) out[base + a] = x[a];
    if (outBias) outBias[i] = x[k];
  }
}
