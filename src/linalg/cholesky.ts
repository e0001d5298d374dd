import { LowRankError } from '../core/errors.js';
import type { FloatArray } from '../core/matrix.js';
import type { Backend } from '../backend/backend.js';

/**
 * Inverse of a small symmetric positive-definite k×k matrix (row-major) through its Cholesky
 * factor L·Lᵀ, computed in float64 and written into `out` (any float dtype). When the matrix
 * is singular to working precision, a ridge of `1e-12·trace/k` is added and the factorization
 * retried once (used by scaled gradient descent, whose Gram matrices can become singular when
 * a factor loses rank).
 *
 * @throws {@link LowRankError} `E_DIVERGED` when the matrix is not positive definite even with the ridge.
 */
export function spdInverse(a: ArrayLike<number>, k: number, out: FloatArray): void {
  const l = new Float64Array(k * k);
  let trace = 0;
  for (let i = 0; i < k; i++) trace += a[i * k + i];
  if (!cholesky(a, k, 0, l)) {
    const ridge = (1e-12 * Math.abs(trace)) / Math.max(1, k) + Number.MIN_VALUE;
    if (!cholesky(a, k, ridge, l)) {
      throw new LowRankError('E_DIVERGED', `Gram matrix (${k}×${k}) is not positive definite: a factor lost rank or holds NaN`);
    }
  }
  // inv(L) (lower triangular), then inv(A) = inv(L)ᵀ inv(L).
  const li = lowerInverse(l, k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let p = i; p < k; p++) s += li[p * k + i] * li[p * k + j];
      out[i * k + j] = s;
      out[j * k + i] = s;
    }
  }
}

/**
 * The inverse of a k×k lower triangular L (row-major, float64), by forward substitution column by
 * column.
 *
 * @example
 * ```ts
 * lowerInverse(Float64Array.of(2, 0, 1, 4), 2); // [0.5, 0, −0.125, 0.25]
 * ```
 */
export function lowerInverse(l: Float64Array, k: number): Float64Array {
  const li = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    li[j * k + j] = 1 / l[j * k + j];
    for (let i = j + 1; i < k; i++) {
      let s = 0;
      for (let p = j; p < i; p++) s += l[i * k + p] * li[p * k + j];
      li[i * k + j] = -s / l[i * k + i];
    }
  }
  return li;
}

/**
 * The Cholesky factor L of a symmetric positive-definite k×k float64 `g` (row-major, lower
 * triangle read) into `low`, and L⁻¹ returned: by the tier's {@link Backend.choleskyInverse}
 * (LAPACK) when it has one, else by {@link cholesky} and {@link lowerInverse}.
 *
 * @returns undefined when g is not positive definite.
 * @example
 * ```ts
 * const low = new Float64Array(4);
 * choleskyAndInverse(Float64Array.of(4, 2, 2, 5), 2, low, backend); // low = [2, 0, 1, 2], returns [0.5, 0, −0.25, 0.5]
 * ```
 */
export function choleskyAndInverse(g: Float64Array, k: number, low: Float64Array, backend: Backend): Float64Array | undefined {
  if (backend.choleskyInverse) {
    const inv = new Float64Array(k * k);
    return backend.choleskyInverse({ n: k, g, low, inv }) ? inv : undefined;
  }
  return cholesky(g, k, 0, low) ? lowerInverse(low, k) : undefined;
}

/**
 * Cholesky factor L of (a + ridge·I), k×k row-major, into the lower triangle of `l` (the rest
 * zeroed): a = L·Lᵀ.
 *
 * @returns false when the matrix is not positive definite (a pivot ≤ 0 or NaN).
 * @example
 * ```ts
 * const l = new Float64Array(4);
 * cholesky(Float64Array.of(4, 2, 2, 5), 2, 0, l); // true; l = [2, 0, 1, 2]
 * ```
 */
export function cholesky(a: ArrayLike<number>, k: number, ridge: number, l: Float64Array): boolean {
  l.fill(0);
  for (let j = 0; j < k; j++) {
    let d = a[j * k + j] + ridge;
    for (let p = 0; p < j; p++) d -= l[j * k + p] * l[j * k + p];
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    l[j * k + j] = ljj;
    for (let i = j + 1; i < k; i++) {
      let s = a[i * k + j];
      for (let p = 0; p < j; p++) s -= l[i * k + p] * l[j * k + p];
      l[i * k + j] = s / ljj;
    }
  }
  return true;
}

/**
 * Solves (A + ridge·I)·x = b for a small symmetric positive-definite d×d matrix A, in place and
 * without allocating: on return the lower triangle of `a` holds the Cholesky factor L and `b`
 * holds x. Only the lower triangle of `a` is read (the upper is ignored). Used by ALS and fold-in,
 * one d×d solve per row, so it must not allocate.
 *
 * @param a row-major d×d (float64), overwritten by L in its lower triangle.
 * @param b right-hand side of length d, overwritten by the solution.
 * @returns false (with `a` and `b` clobbered) when A + ridge·I is not positive definite.
 * @example
 * ```ts
 * const a = Float64Array.of(4, 0, 2, 3); const b = Float64Array.of(8, 7);
 * choleskySolveInPlace(a, 2, b); // b = [2, 1]
 * ```
 */
export function choleskySolveInPlace(a: Float64Array, d: number, b: Float64Array, ridge = 0): boolean {
  for (let j = 0; j < d; j++) {
    const rj = j * d;
    let s = a[rj + j] + ridge;
    for (let p = 0; p < j; p++) s -= a[rj + p] * a[rj + p];
    if (!(s > 0)) return false;
    const ljj = Math.sqrt(s);
    a[rj + j] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < d; i++) {
      const ri = i * d;
      let t = a[ri + j];
      for (let p = 0; p < j; p++) t -= a[ri + p] * a[rj + p];
      a[ri + j] = t * inv;
    }
  }
  // forward: L y = b
  for (let i = 0; i < d; i++) {
    const ri = i * d;
    let t = b[i];
    for (let p = 0; p < i; p++) t -= a[ri + p] * b[p];
    b[i] = t / a[ri + i];
  }
  // backward: Lᵀ x = y
  for (let i = d - 1; i >= 0; i--) {
    let t = b[i];
    for (let p = i + 1; p < d; p++) t -= a[p * d + i] * b[p];
    b[i] = t / a[i * d + i];
  }
  return true;
}
