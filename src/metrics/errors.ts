import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';

/** How close an approximation Â is to A; every figure in float64. */
export interface ApproximationErrors {
  /** ‖A − Â‖_F, the seed's "Approximation Error (Frobenius Norm)". */
  frobenius: number;
  /** ‖A − Â‖_F / ‖A‖_F (0 when A is zero and Â = A). */
  relative: number;
  /**
   * The seed's "Approximation Error (Avg Percent)", computed exactly as it does:
   * `100 · mean(|A − Â| / (|A| + 1e-8))`. Large when A has entries near zero.
   */
  avgPercent: number;
  /** Root mean squared error, ‖A − Â‖_F / √(n·m). */
  rmse: number;
  /** max |A − Â|. */
  maxAbs: number;
  /** ‖A‖_F, for reference. */
  normA: number;
}

/**
 * Error figures of an approximation `approx` of `a` (same shape; dtypes may differ, as the
 * seed compares a float64 original with a float32 product). One pass, no temporaries.
 *
 * @throws {@link LowRankError} `E_SHAPE` when the shapes differ.
 * @example
 * ```ts
 * const e = approximationErrors(a, matmul(u, v));
 * e.frobenius; e.avgPercent;
 * ```
 */
export function approximationErrors(a: Matrix, approx: Matrix): ApproximationErrors {
  if (a.rows !== approx.rows || a.cols !== approx.cols) {
    throw new LowRankError('E_SHAPE', `approximation is ${approx.rows}×${approx.cols} but the original is ${a.rows}×${a.cols}`);
  }
  const acc = new ErrorAccumulator();
  acc.add(a.data, 0, approx.data);
  return acc.result();
}

/**
 * Accumulates the figures of {@link ApproximationErrors} over pieces of A and Â (e.g. row blocks
 * of a product never formed whole), in one pass, float64 sums.
 */
export class ErrorAccumulator {
  private ss = 0;
  private sa = 0;
  private pct = 0;
  private maxAbs = 0;
  private count = 0;

  /** Adds the entries `y[t]` (of Â) against `x[offset + t]` (of A), t = 0 … y.length − 1. */
  add(x: ArrayLike<number>, offset: number, y: ArrayLike<number>): void {
    let { ss, sa, pct, maxAbs } = this;
    for (let t = 0; t < y.length; t++) {
      const ai = x[offset + t];
      const d = ai - y[t];
      const ad = Math.abs(d);
      ss += d * d;
      sa += ai * ai;
      pct += ad / (Math.abs(ai) + 1e-8);
      if (ad > maxAbs || Number.isNaN(ad)) maxAbs = ad;
    }
    Object.assign(this, { ss, sa, pct, maxAbs });
    this.count += y.length;
  }

  /** The figures over everything added so far. */
  result(): ApproximationErrors {
    const len = this.count;
    const frobenius = Math.sqrt(this.ss);
    const normA = Math.sqrt(this.sa);
    return {
      frobenius,
      relative: normA === 0 ? (frobenius === 0 ? 0 : Infinity) : frobenius / normA,
      avgPercent: len === 0 ? 0 : (100 * this.pct) / len,
      rmse: len === 0 ? 0 : Math.sqrt(this.ss / len),
      maxAbs: this.maxAbs,
      normA,
    };
  }
}

/** ‖A‖_F in float64. */
export function frobeniusNorm(a: Matrix): number {
  let s = 0;
  const d = a.data;
  for (let i = 0; i < d.length; i++) s += d[i] * d[i];
  return Math.sqrt(s);
}
