import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { RESIDUAL_LANES_LENGTH, type Backend } from '../backend/backend.js';
import { formProductBlock, productBlockPlan } from '../linalg/error-estimators.js';
import { getBackend } from '../backend/select.js';
import { ErrorAccumulator, frobeniusNorm, type ApproximationErrors } from './errors.js';

/**
 * Entries per product block of the error pass (default `blockElements` of
 * {@link approximationErrorsFromFactors}): the blocks' lanes are combined in block order, so this
 * fixes the figures' last bits on every tier. 2¹⁷ entries (1 MiB in float64) keep a block in a
 * core's L2 cache between its GEMM and its scan (bench/native.ts, row `errpass`).
 */
export const ERROR_PASS_BLOCK_ELEMENTS = 1 << 17;

/**
 * The error figures of {@link approximationErrors} for an approximation held as factors
 * U (n×k) · V (k×m), without forming the n×m product: U·V is formed a block of rows at a time
 * (about `blockElements` entries, default {@link ERROR_PASS_BLOCK_ELEMENTS}) and compared with A as it goes
 * (on the native tier in one call, {@link Backend.residualBlocks}, the blocks over its threads).
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
  const acc = new ErrorAccumulator(options.normA ?? frobeniusNorm(a, backend), a.data.length, backend, x);
  const plan = productBlockPlan(u, v, options.blockElements ?? ERROR_PASS_BLOCK_ELEMENTS);
  if (plan.blocks === 0) return acc.result();
  const rows = plan.rowsPerBlock;
  let buffer: Matrix | null = null;
  const block = (c: number): Matrix => formProductBlock(plan, c, (buffer ??= Matrix.zeros(rows, m, plan.U.dtype)), backend);
  const residualBlocks = backend.residualBlocks;
  if (!residualBlocks) {
    for (let c = 0; c < plan.blocks; c++) acc.add(x, c * rows * m, block(c).data);
    return acc.result();
  }
  const { U, V } = plan;
  const lanes = new Float64Array(plan.blocks * RESIDUAL_LANES_LENGTH);
  residualBlocks.call(backend, { n: U.rows, m, k: U.cols, u: U.data, v: V.data, a: x, rowsPerBlock: rows, below: acc.below, lanes });
  for (let c = 0; c < plan.blocks; c++) {
    const offset = c * rows * m;
    const len = Math.min(rows, a.rows - c * rows) * m;
    // The block again (the same GEMM call, so the same bits) only when its sum of squares needs rescaling.
    let y: ArrayLike<number> | null = null;
    acc.addLanes(lanes.subarray(c * RESIDUAL_LANES_LENGTH, (c + 1) * RESIDUAL_LANES_LENGTH), len, (t) => {
      y ??= block(c).data;
      return x[offset + t] - y[t];
    });
  }
  return acc.result();
}
