import { LowRankError } from '../core/errors.js';
import { Matrix, type FloatArray } from '../core/matrix.js';
import type { Backend } from '../backend/backend.js';
import { combineResidualLanes, isFloatArray, newResidualLanes, residualLanes } from '../backend/js/residual-lanes.js';
import { getBackend } from '../backend/select.js';
import { nearZeroSummary, nearZeroThreshold, type AvgPercentNearZero } from './avg-percent.js';
import { ScaledSumOfSquares, normFromSumSquares, safeNorm } from '../linalg/norms.js';

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
 * seed compares a float64 original with a float32 product). One pass over both after ‖A‖_F, no
 * temporaries, by the default backend's residual kernel (the same figures, bit for bit, on every tier).
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
  const acc = new ErrorAccumulator(frobeniusNorm(a), a.data.length, getBackend(), a.data);
  acc.add(a.data, 0, approx.data);
  return acc.result();
}

/**
 * Accumulates the figures of {@link ApproximationErrors} over pieces of A and Â (e.g. row blocks
 * of a product never formed whole), in one fused pass per piece with float64 sums. ‖A‖_F and the
 * entry count are given up front (one BLAS pass, {@link frobeniusNorm}), so the near-zero
 * threshold of the avg-percent breakdown ({@link nearZeroThreshold}) is known before the pass and
 * each entry costs one branch instead of a histogram update. The pass over a piece is the
 * backend's {@link Backend.residualLanes} (memory speed on the native and WebAssembly tiers; the
 * same bits on every tier), its four lanes combined per piece. The sum of squared differences is
 * scaled ({@link ScaledSumOfSquares}): a piece whose plain sum overflowed or may have underflowed
 * is summed again rescaled, so the Frobenius and relative errors stay finite for entries up to
 * float64's largest, as LAPACK's `dnrm2` does.
 */
export class ErrorAccumulator {
  private readonly ss = new ScaledSumOfSquares();
  /** The near-zero threshold of the avg-percent breakdown ({@link nearZeroThreshold}), the `below` of {@link Backend.residualLanes}. */
  readonly below: number;
  private readonly lanes = newResidualLanes();
  private pct = 0;
  private nearCount = 0;
  private nearPct = 0;
  private maxAbs = 0;
  private count = 0;

  /** ‖A‖²_F held scaled, when ‖A‖_F itself is beyond float64's range (see the constructor's `original`). */
  private readonly normAScaled: ScaledSumOfSquares | undefined;

  /**
   * @param normA ‖A‖_F of the whole original ({@link frobeniusNorm}: finite unless the true value
   *   is beyond float64's range).
   * @param entries n·m, the entries that will be added in all.
   * @param backend whose {@link Backend.residualLanes} runs the pass (default, or without one: the TypeScript loop).
   * @param original A's entries, read (once) only when `normA` is ∞: its scaled sum of squares then
   *   gives the near-zero threshold and the relative error, which stay finite (the ratio of two
   *   scaled sums) where ‖A‖_F and the Frobenius error are not.
   */
  constructor(private readonly normA: number, private readonly entries: number, private readonly backend?: Backend, original?: FloatArray) {
    let scaled: ScaledSumOfSquares | undefined;
    if (normA === Infinity && original) {
      scaled = new ScaledSumOfSquares();
      scaled.addBlock(Infinity, original.length, (t) => original[t]);
    }
    this.normAScaled = scaled;
    const rms = entries === 0 ? 0 : scaled ? scaled.sqrtOver(entries) : normA / Math.sqrt(entries);
    this.below = nearZeroThreshold(rms);
  }

  /** Adds the entries `y[t]` (of Â) against `x[offset + t]` (of A), t = 0 … y.length − 1. */
  add(x: ArrayLike<number>, offset: number, y: ArrayLike<number>): void {
    const lanes = this.lanes;
    lanes.fill(0);
    const b = this.backend;
    if (b?.residualLanes && isFloatArray(x) && isFloatArray(y)) b.residualLanes(x, offset, y, this.below, lanes);
    else residualLanes(x, offset, y, this.below, lanes);
    this.addLanes(lanes, y.length, (t) => x[offset + t] - y[t]);
  }

  /**
   * Adds a piece of `len` entries given its lanes ({@link Backend.residualLanes} from zero, e.g.
   * one block of {@link Backend.residualBlocks}): the same as {@link ErrorAccumulator.add} of that
   * piece. `diff(t)` is its entry t of A − Â, called only when the piece's sum of squares must be
   * summed again rescaled (it overflowed or may have underflowed).
   */
  addLanes(lanes: Float64Array, len: number, diff: (t: number) => number): void {
    const s = combineResidualLanes(lanes);
    this.ss.addBlock(s.sumSquares, len, diff);
    this.pct += s.relativeSum;
    if (s.maxAbs > this.maxAbs || Number.isNaN(s.maxAbs)) this.maxAbs = s.maxAbs;
    this.nearCount += s.nearCount;
    this.nearPct += s.nearSum;
    this.count += len;
  }

  /**
   * The figures over everything added so far.
   *
   * @throws {@link LowRankError} `E_SHAPE` when fewer or more entries were added than announced.
   */
  result(): ApproximationErrors {
    const len = this.count;
    if (len !== this.entries) throw new LowRankError('E_SHAPE', `error pass saw ${len} entries, expected ${this.entries}`);
    const frobenius = this.ss.sqrt();
    const normA = this.normA;
    return {
      frobenius,
      relative: this.normAScaled ? this.ss.ratioSqrt(this.normAScaled) : normA === 0 ? (this.ss.isZero() ? 0 : Infinity) : frobenius / normA,
      avgPercent: len === 0 ? 0 : (100 * this.pct) / len,
      avgPercentNearZero: nearZeroSummary(this.nearCount, this.below, this.nearPct, this.pct),
      rmse: len === 0 ? 0 : this.ss.sqrtOver(len),
      maxAbs: this.maxAbs,
      normA,
    };
  }
}

/**
 * ‖A‖_F in float64, finite for any finite A (scaled as LAPACK's `dnrm2` when needed). With a
 * `backend`, the plain sum of squares is the backend's (BLAS-speed on the native tier); it is
 * recomputed scaled only when it overflowed or may have underflowed.
 */
export function frobeniusNorm(a: Matrix, backend?: Backend): number {
  return backend ? normFromSumSquares(backend.sumSquares(a.data), a.data) : safeNorm(a.data);
}
