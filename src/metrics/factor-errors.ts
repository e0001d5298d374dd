import { LowRankError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import type { Backend } from '../backend/backend.js';
import { forEachProductBlock } from '../linalg/error-estimators.js';
import { getBackend } from '../backend/select.js';
import { ErrorAccumulator, frobeniusNorm, type ApproximationErrors } from './errors.js';

/**
 * The error figures of {@link approximationErrors} for an approximation held as factors
 * U (n×k) · V (k×m), without forming the n×m product: U·V is formed a block of rows at a time
 * (about `blockElements` entries, default 2²⁰ = 8 MiB in float64) and compared with A as it goes.
 * Same figures, same float64 accumulation, memory O(block + (n + m)·k); one GEMM of n·m·k
 * multiply-adds and one pass over A. Use it when A is large: forming U·V would double the memory.
 *
 * @param a n×m original (any dtype).
 * @param u n×k and @param v k×m factors (the product is formed in their common dtype, float64
 *   when they differ).
 * @param options `normA`: ‖A‖_F when already known (it is then not recomputed; taken as given).
 * @throws {@link LowRankError} `E_SHAPE` when the factors do not fit A.
 * @example
 * ```ts
 * const e = approximationErrorsFromFactors(a, f.U, f.V); // e.frobenius, e.avgPercent, …
 * ```
 */
export function approximationErrorsFromFactors(
  a: Matrix, u: Matrix, v: Matrix, options: { blockElements?: number; backend?: Backend; normA?: number } = {},
): ApproximationErrors {
  if (u.cols !== v.rows || u.rows !== a.rows || v.cols !== a.cols) {
    throw new LowRankError('E_SHAPE', `factors U ${u.rows}×${u.cols} and V ${v.rows}×${v.cols} do not fit the ${a.rows}×${a.cols} original`);
  }
  const x = a.data;
  const m = a.cols;
  const backend = options.backend ?? getBackend();
  const acc = new ErrorAccumulator(options.normA ?? frobeniusNorm(a, backend), a.data.length, backend);
  forEachProductBlock(u, v, (block, i0) => acc.add(x, i0 * m, block.data), { ...options, backend });
  return acc.result();
}
