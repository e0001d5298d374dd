import { LowRankError } from '../core/errors.js';

/**
 * The smallest Frobenius error any rank-k approximation can reach (Eckart–Young–Mirsky):
 * `√(Σ_{i>k} σᵢ²)`, from the singular values `s` (descending, all of them); computed scaled, so it
 * is finite whenever the true value is.
 *
 * @throws {@link LowRankError} `E_ARG` when k is negative or not an integer.
 * @example
 * ```ts
 * optimalFrobeniusError(new Float64Array([3, 2, 1]), 1); // √5
 * ```
 */
export function optimalFrobeniusError(s: ArrayLike<number>, k: number): number {
  if (!Number.isInteger(k) || k < 0) throw new LowRankError('E_ARG', `rank must be a non-negative integer, got ${k}`);
  // Scaled by the largest tail value, so that σ above ≈ 1e154 (or below 1e−154) neither overflows
  // nor underflows when squared.
  let scale = 0;
  for (let i = k; i < s.length; i++) scale = Math.max(scale, Math.abs(s[i]));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let tail = 0;
  for (let i = s.length - 1; i >= k; i--) tail += (s[i] / scale) ** 2;
  return scale * Math.sqrt(tail);
}

/**
 * How far an error is above the optimum: `error / optimum − 1` (0 means optimal).
 * When the optimum is 0 (A has rank ≤ k) the gap is 0 for a zero error and +∞ otherwise.
 */
export function optimalityGap(error: number, optimum: number): number {
  if (optimum === 0) return error === 0 ? 0 : Infinity;
  return error / optimum - 1;
}

/**
 * Cumulative energy: entry k−1 is the share of ‖A‖_F² = Σσᵢ² kept by the first k singular values.
 */
export function cumulativeEnergy(s: ArrayLike<number>): Float64Array {
  const out = new Float64Array(s.length);
  let scale = 0;
  for (let i = 0; i < s.length; i++) scale = Math.max(scale, Math.abs(s[i]));
  let total = 0;
  for (let i = 0; i < s.length; i++) total += (s[i] / scale) ** 2;
  let acc = 0;
  for (let i = 0; i < s.length; i++) {
    acc += (s[i] / scale) ** 2;
    out[i] = scale === 0 ? 1 : acc / total;
  }
  return out;
}
