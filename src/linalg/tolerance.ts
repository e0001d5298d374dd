import type { DType } from '../core/matrix.js';

/**
 * Machine epsilon of a storage dtype: the gap between 1 and the next representable number,
 * 2⁻²³ for float32 and 2⁻⁵² for float64 (numpy's `finfo(dtype).eps`).
 *
 * @example
 * ```ts
 * dtypeEpsilon('float32'); // 1.1920928955078125e-7
 * ```
 */
export function dtypeEpsilon(dtype: DType): number {
  return dtype === 'float32' ? 2 ** -23 : 2 ** -52;
}

/**
 * The numerical-rank tolerance of an n×m matrix of `dtype` with largest singular value σ₁:
 * max(n, m)·ε·σ₁, numpy's `matrix_rank` rule. Singular values at or below it are rounding noise
 * of the storage precision and are reported as exactly 0.
 *
 * @example
 * ```ts
 * rankTolerance(600, 500, 'float64', 4200); // 600 · 2⁻⁵² · 4200 ≈ 5.6e−10
 * ```
 */
export function rankTolerance(n: number, m: number, dtype: DType, sigma1: number): number {
  return Math.max(n, m) * dtypeEpsilon(dtype) * sigma1;
}
