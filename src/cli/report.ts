import { LowRankError } from '../core/errors.js';
import type { ApproximationErrors } from '../metrics/errors.js';
import type { Evaluation } from '../metrics/evaluate.js';
import { OPTIMUM_MAX_SIDE } from '../metrics/evaluate.js';
import { formatGap, formatMagnitude } from './format.js';

/**
 * Refuses an evaluation whose figures float64 cannot hold — ‖A‖_F or the Frobenius error beyond
 * its range (finite entries near its largest, whose singular values may still be finite), which
 * would print as Infinity with a relative error of NaN — before anything is written.
 * @param what the input in the message.
 * @throws {@link LowRankError} `E_UNSUPPORTED` naming the input.
 */
export function checkEvaluationInRange(e: Pick<Evaluation, 'frobenius' | 'normA' | 'relative'>, what: string): void {
  if (!Number.isFinite(e.normA) || !Number.isFinite(e.frobenius) || Number.isNaN(e.relative)) {
    throw new LowRankError('E_UNSUPPORTED', `${what}: ‖A‖_F or the approximation error is beyond float64's range (the report cannot be written): scale the data down`);
  }
}

/** The report lines of an evaluation, in the seed's wording first. */
export function evaluationLines(e: Evaluation): string[] {
  const lines = [
    `Compression Ratio: ${e.compressionRatio.toFixed(2)}`,
    `Approximation Error (Frobenius Norm): ${formatMagnitude(e.frobenius)}`,
    `Approximation Error (Avg Percent): ${e.avgPercent.toFixed(2)}%${avgPercentCaveat(e)}`,
    `Relative Error (Frobenius): ${e.relative.toExponential(4)}`,
    `RMSE: ${e.rmse.toExponential(4)}, max abs error: ${e.maxAbs.toExponential(4)}`,
  ];
  if (e.optimum !== null && e.gap !== null) {
    lines.push(`Optimal Error for rank ${e.rank} (truncated SVD): ${formatMagnitude(e.optimum)}`);
    lines.push(`Gap to optimum: ${formatGap(e.gap)}`);
  } else if (e.certified) {
    const c = e.certified;
    lines.push(`Optimal Error for rank ${e.rank}: between ${formatMagnitude(c.lower)} and ${formatMagnitude(c.upper)} (certified by Ritz values; no exact SVD of a matrix this size)`);
    lines.push(`Gap to optimum: ${Number.isFinite(c.gapUpperBound) ? `at most ${formatGap(c.gapUpperBound)}` : 'not certified (the lower bound is at rounding level)'}`);
  } else {
    lines.push(`Optimal Error for rank ${e.rank}: not computed (min side above ${OPTIMUM_MAX_SIDE})`);
  }
  return lines;
}

/**
 * The caveat on the avg-percent line when near-zero entries of A dominate it, e.g.
 * ` (dominated by 39,015 near-zero entries, |a| < 0.0039: they give 99.99% of it; see the relative error)`.
 */
export function avgPercentCaveat(e: Pick<ApproximationErrors, 'avgPercentNearZero'>): string {
  const z = e.avgPercentNearZero;
  if (!z?.dominated) return '';
  return ` (dominated by ${groupThousands(z.count)} near-zero entries, |a| < ${z.below.toPrecision(2)}: they give ${(100 * z.share).toFixed(2)}% of it; see the relative error)`;
}

/**
 * An integer with commas between groups of three digits, as `toLocaleString('en-US')` writes it
 * (`39015` → `39,015`), without loading ICU's locale data (≈ 20–100 ms on the first call).
 */
export function groupThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
