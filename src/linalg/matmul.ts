import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import type { Backend } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';

/** Options of {@link matmul}. */
export interface MatmulOptions {
  /** Use Aᵀ instead of A. */
  transA?: boolean;
  /** Use Bᵀ instead of B. */
  transB?: boolean;
  /** Kernel tier (default: the current backend). */
  backend?: Backend;
  /** Write into this matrix instead of allocating (must have the result's shape and dtype). */
  out?: Matrix;
}

/**
 * The product op(A)·op(B) of two matrices of the same dtype, through the backend's GEMM.
 * Transposes are never materialised.
 *
 * @throws {@link LowRankError} `E_SHAPE` when inner dimensions or dtypes disagree.
 * @example
 * ```ts
 * const g = matmul(a, a, { transA: true }); // Aᵀ A
 * ```
 */
export function matmul(a: Matrix, b: Matrix, options: MatmulOptions = {}): Matrix {
  const transA = options.transA ?? false;
  const transB = options.transB ?? false;
  const m = transA ? a.cols : a.rows;
  const k = transA ? a.rows : a.cols;
  const kb = transB ? b.cols : b.rows;
  const n = transB ? b.rows : b.cols;
  if (k !== kb) {
    throw new LowRankError('E_SHAPE', `matmul: inner dimensions differ (${m}×${k} times ${kb}×${n})`);
  }
  if (a.dtype !== b.dtype) {
    throw new LowRankError('E_SHAPE', `matmul: dtypes differ (${a.dtype} and ${b.dtype})`);
  }
  const out = options.out ?? Matrix.zeros(m, n, a.dtype);
  if (out.rows !== m || out.cols !== n || out.dtype !== a.dtype) {
    throw new LowRankError('E_SHAPE', `matmul: out is ${out.rows}×${out.cols} ${out.dtype}, expected ${m}×${n} ${a.dtype}`);
  }
  (options.backend ?? getBackend()).gemm({
    transA,
    transB,
    m,
    n,
    k,
    alpha: 1,
    a: a.data,
    lda: a.cols,
    b: b.data,
    ldb: b.cols,
    beta: 0,
    c: out.data,
    ldc: n,
  });
  return out;
}
