import { LowRankError } from '../core/errors.js';
import { choleskySolveInPlace } from '../linalg/cholesky.js';

/** Reusable buffers of the per-row solves (d = k, or k + 1 with biases). */
export interface AlsScratch {
  /** Dimension of the unknowns: k, or k + 1 with a bias. */
  d: number;
  /** d×d normal matrix. */
  gram: Float64Array;
  /** Copy of the normal matrix, for the ridge retry. */
  backup: Float64Array;
  /** Right-hand side, then the solution. */
  rhs: Float64Array;
  /** Copy of the right-hand side, for the ridge retry. */
  rhsBackup: Float64Array;
  /** Σ of the fixed-side vectors (the bias row of the normal matrix). */
  vec: Float64Array;
}

/** Allocates the buffers of {@link solveRegularizedRow} for unknowns of dimension d. */
export function newAlsScratch(d: number): AlsScratch {
  return {
    d,
    gram: new Float64Array(d * d),
    backup: new Float64Array(d * d),
    rhs: new Float64Array(d),
    rhsBackup: new Float64Array(d),
    vec: new Float64Array(d),
  };
}

/**
 * Solves one row of ALS: given the fixed side's vectors `fixed` (rows of length k, row-major),
 * the observed columns `cols[from..to)` with `values[from..to)`, finds
 * x = argmin Σ_j (t_j − x·y_j)² + λ·c·‖x‖² with c = to − from, where t_j = value − μ − fixedBias[j]
 * and y_j = fixed row j — augmented by a trailing 1 (and x by the row's bias) when
 * `scratch.d = k + 1`. The solution is left in `scratch.rhs` (bias last).
 *
 * @returns false when the row has no entries (scratch.rhs is zero then).
 * @throws {@link LowRankError} `E_DIVERGED` when the normal matrix is singular even with a ridge.
 */
export function solveRegularizedRow(
  cols: Int32Array, values: Float64Array, from: number, to: number,
  fixed: Float64Array, fixedBias: Float64Array | null, k: number, reg: number, mu: number, scratch: AlsScratch,
): boolean {
  const { d, gram, rhs } = scratch;
  gram.fill(0);
  rhs.fill(0);
  const count = to - from;
  if (count === 0) return false;
  const aug = d > k;
  // Σ y yᵀ (lower triangle) and Σ t·y, four entries per pass over the d×d matrix so that each
  // load and store of the Gram matrix carries four products. With biases, the augmented
  // coordinate (a constant 1) contributes Σ y to row k, the count to (k, k) and Σ t to rhs[k].
  const sumY = scratch.vec;
  if (aug) sumY.fill(0);
  let sumT = 0;
  let p = from;
  for (; p + 3 < to; p += 4) {
    const o0 = cols[p] * k, o1 = cols[p + 1] * k, o2 = cols[p + 2] * k, o3 = cols[p + 3] * k;
    const t0 = values[p] - mu - (fixedBias ? fixedBias[cols[p]] : 0);
    const t1 = values[p + 1] - mu - (fixedBias ? fixedBias[cols[p + 1]] : 0);
    const t2 = values[p + 2] - mu - (fixedBias ? fixedBias[cols[p + 2]] : 0);
    const t3 = values[p + 3] - mu - (fixedBias ? fixedBias[cols[p + 3]] : 0);
    sumT += t0 + t1 + t2 + t3;
    for (let a = 0; a < k; a++) {
      const y0 = fixed[o0 + a], y1 = fixed[o1 + a], y2 = fixed[o2 + a], y3 = fixed[o3 + a];
      rhs[a] += t0 * y0 + t1 * y1 + t2 * y2 + t3 * y3;
      if (aug) sumY[a] += y0 + y1 + y2 + y3;
      const ra = a * d;
      for (let b = 0; b <= a; b++) {
        gram[ra + b] += y0 * fixed[o0 + b] + y1 * fixed[o1 + b] + y2 * fixed[o2 + b] + y3 * fixed[o3 + b];
      }
    }
  }
  for (; p < to; p++) {
    const o0 = cols[p] * k;
    const t0 = values[p] - mu - (fixedBias ? fixedBias[cols[p]] : 0);
    sumT += t0;
    for (let a = 0; a < k; a++) {
      const y0 = fixed[o0 + a];
      rhs[a] += t0 * y0;
      if (aug) sumY[a] += y0;
      const ra = a * d;
      for (let b = 0; b <= a; b++) gram[ra + b] += y0 * fixed[o0 + b];
    }
  }
  if (aug) {
    const rk = k * d;
    for (let b = 0; b < k; b++) gram[rk + b] = sumY[b];
    gram[rk + k] = count;
    rhs[k] = sumT;
  }
  const lam = reg * count;
  let trace = 0;
  for (let a = 0; a < d; a++) {
    gram[a * d + a] += lam;
    trace += gram[a * d + a];
  }
  if (reg > 0) {
    if (choleskySolveInPlace(gram, d, rhs)) return true;
  } else {
    scratch.backup.set(gram);
    scratch.rhsBackup.set(rhs);
    if (choleskySolveInPlace(gram, d, rhs)) return true;
    gram.set(scratch.backup);
    rhs.set(scratch.rhsBackup);
    if (choleskySolveInPlace(gram, d, rhs, (1e-10 * Math.abs(trace)) / d + Number.MIN_VALUE)) return true;
  }
  throw singularRowError(d, count);
}

/** The `E_DIVERGED` error of a row whose d×d normal matrix (from `count` entries) is singular even with the ridge retry. */
export function singularRowError(d: number, count: number): LowRankError {
  return new LowRankError('E_DIVERGED', `ALS normal matrix (${d}×${d}, ${count} entries) is not positive definite; use reg > 0`);
}
