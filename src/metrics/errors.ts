import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { AvgPercentBreakdown, type AvgPercentNearZero } from './avg-percent.js';
import { ScaledSumOfSquares, safeNorm } from '../linalg/norms.js';

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
  /** How much of `avgPercent` comes from entries of A near zero ({@link AvgPercentNearZero}): say so when `dominated`. */
  avgPercentNearZero: AvgPercentNearZero;
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
 * of a product never formed whole), in one pass, float64 sums. The sums of squares are scaled
 * ({@link ScaledSumOfSquares}), so the Frobenius and relative errors stay finite for entries up
 * to float64's largest, as LAPACK's `dnrm2` does.
 */
export class ErrorAccumulator {
  private readonly ss = new ScaledSumOfSquares();
  private readonly sa = new ScaledSumOfSquares();
  private pct = 0;
  private readonly breakdown = new AvgPercentBreakdown();
  private maxAbs = 0;
  private count = 0;

  /** Adds the entries `y[t]` (of Â) against `x[offset + t]` (of A), t = 0 … y.length − 1. */
  add(x: ArrayLike<number>, offset: number, y: ArrayLike<number>): void {
    let { pct, maxAbs } = this;
    let ss = 0;
    let sa = 0;
    const len = y.length;
    for (let t = 0; t < len; t++) {
      const ai = x[offset + t];
      const d = ai - y[t];
      const ad = Math.abs(d);
      ss += d * d;
      sa += ai * ai;
      pct += ad / (Math.abs(ai) + 1e-8);
      if (ad > maxAbs || Number.isNaN(ad)) maxAbs = ad;
    }
    this.ss.addBlock(ss, len, (t) => x[offset + t] - y[t]);
    this.sa.addBlock(sa, len, (t) => x[offset + t]);
    this.pct = pct;
    this.maxAbs = maxAbs;
    this.count += len;
    this.breakdown.add(x, offset, y);
  }

  /** The figures over everything added so far. */
  result(): ApproximationErrors {
    const len = this.count;
    const frobenius = this.ss.sqrt();
    const normA = this.sa.sqrt();
    return {
      frobenius,
      relative: this.sa.isZero() ? (this.ss.isZero() ? 0 : Infinity) : this.ss.ratioSqrt(this.sa),
      avgPercent: len === 0 ? 0 : (100 * this.pct) / len,
      avgPercentNearZero: this.breakdown.result(len === 0 ? 0 : normA / Math.sqrt(len)),
      rmse: len === 0 ? 0 : this.ss.sqrtOver(len),
      maxAbs: this.maxAbs,
      normA,
    };
  }
}

/** ‖A‖_F in float64, finite for any finite A (scaled as LAPACK's `dnrm2` when needed). */
export function frobeniusNorm(a: Matrix): number {
  return safeNorm(a.data);
}
