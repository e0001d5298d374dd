import type { AlsHalfSweepKernelArgs, Backend } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import type { CsrMatrix } from '../core/sparse.js';
import { newAlsScratch, singularRowError, solveRegularizedRow, type AlsScratch } from './als-row-solve.js';

/**
 * Arguments of {@link alsHalfSweep}: the kernel's operands ({@link AlsHalfSweepKernelArgs}: fixed
 * side, outputs, k, λ, μ) with the observed entries as one CSR matrix.
 */
export interface AlsHalfSweepArgs extends Omit<AlsHalfSweepKernelArgs, 'rows' | 'cols' | 'indptr' | 'indices' | 'values'> {
  /** The observed entries, one CSR row per unknown row of `out` (R for the users, Rᵀ for the items). */
  rows: CsrMatrix;
  /** Reusable buffers of dimension k (+1 with biases) of the TypeScript loop; allocated when absent. */
  scratch?: AlsScratch;
  /**
   * Kernel tier (default: the current backend). A tier with {@link Backend.alsHalfSweep} solves the
   * rows there with the same bits (native: across its threads; wasm: one thread); js runs the loop below.
   */
  backend?: Backend;
}

/**
 * One ALS half-sweep: with one side fixed, solves every row of `out` by
 * {@link solveRegularizedRow}. A row with no observed entry gets a zero vector and bias.
 * Rows are independent, so any split of the rows into blocks gives the same bits, and the
 * backend's kernel (when it has one) computes each row by the same operations in the same order.
 *
 * @throws {@link LowRankError} `E_DIVERGED` when a normal matrix is singular even with a ridge.
 */
export function alsHalfSweep(args: AlsHalfSweepArgs): void {
  const { rows: r, fixed, fixedBias, out, outBias, k, reg, mu } = args;
  const backend = args.backend ?? getBackend();
  if (backend.alsHalfSweep) {
    const { indptr, indices, values } = r;
    const failed = backend.alsHalfSweep({ rows: r.rows, cols: r.cols, indptr, indices, values, fixed, fixedBias, out, outBias, k, reg, mu });
    if (failed >= 0) throw singularRowError(k + (outBias ? 1 : 0), indptr[failed + 1] - indptr[failed]);
    return;
  }
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
