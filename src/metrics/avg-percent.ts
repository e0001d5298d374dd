/**
 * Why the seed's "Approximation Error (Avg Percent)" — `100 · mean(|A − Â| / (|A| + 1e-8))` — can
 * be meaningless: an entry of A at or near zero divides by ~1e-8, so a handful of zeros (the
 * black border of a digit, the empty cells of a count matrix) can make it 3,840,111,809 % while the
 * approximation is good. This module finds, in the same pass, how much of the figure comes from
 * entries near zero, so the CLI can say so on the same line.
 *
 * @module
 */

/**
 * An entry is "near zero" when |aᵢⱼ| is below this share of the root-mean-square entry of A
 * (rounded down to a power of two, see {@link AvgPercentBreakdown}): a thousandth of a typical
 * entry, where the seed's relative error per entry stops meaning anything.
 */
export const NEAR_ZERO_RELATIVE = 1e-3;

/** The avg-percent figure is "dominated" by near-zero entries when they contribute more than this share of it. */
export const NEAR_ZERO_DOMINANT_SHARE = 0.5;

/** How much of the avg-percent figure comes from entries near zero. */
export interface AvgPercentNearZero {
  /** Entries of A with |aᵢⱼ| < `below`. */
  count: number;
  /** The threshold: the largest power of two ≤ {@link NEAR_ZERO_RELATIVE} · rms(A) (0 when A is zero). */
  below: number;
  /** Share in [0, 1] of Σ |A − Â| / (|A| + 1e-8) that those entries contribute (0 when the sum is 0). */
  share: number;
  /** `share > NEAR_ZERO_DOMINANT_SHARE`: the figure says more about the zeros of A than about Â. */
  dominated: boolean;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = HOST_LITTLE_ENDIAN ? 1 : 0;

/**
 * Tallies the seed's per-entry relative errors by the binary exponent of |aᵢⱼ| (2048 bins, one
 * pass, no per-entry logarithm), so that after the pass — when rms(A) is known — the part below any
 * power-of-two threshold is a sum over bins.
 *
 * @example
 * ```ts
 * const b = new AvgPercentBreakdown();
 * b.add(a.data, 0, approx.data);
 * b.result(rmsOfA); // { count, below, share, dominated }
 * ```
 */
export class AvgPercentBreakdown {
  private readonly counts = new Float64Array(2048);
  private readonly sums = new Float64Array(2048);
  private readonly f64 = new Float64Array(1);
  private readonly u32 = new Uint32Array(this.f64.buffer);

  /** Adds the entries `y[t]` (of Â) against `x[offset + t]` (of A), t = 0 … y.length − 1. */
  add(x: ArrayLike<number>, offset: number, y: ArrayLike<number>): void {
    const { counts, sums, f64, u32 } = this;
    for (let t = 0; t < y.length; t++) {
      const ai = Math.abs(x[offset + t]);
      f64[0] = ai;
      const bin = (u32[HI] >>> 20) & 0x7ff;
      counts[bin]++;
      sums[bin] += Math.abs(x[offset + t] - y[t]) / (ai + 1e-8);
    }
  }

  /**
   * The near-zero part, given the root-mean-square entry of A (‖A‖_F / √(n·m)).
   */
  result(rmsA: number): AvgPercentNearZero {
    const below = nearZeroThreshold(rmsA);
    let limit = 0;
    if (below > 0) {
      this.f64[0] = below;
      limit = (this.u32[HI] >>> 20) & 0x7ff; // bins < limit hold |a| < 2^(limit − 1023) = below
    }
    let count = 0;
    let part = 0;
    let total = 0;
    for (let b = 0; b < 2048; b++) {
      total += this.sums[b];
      if (b < limit) {
        count += this.counts[b];
        part += this.sums[b];
      }
    }
    return nearZeroSummary(count, below, part, total);
  }
}

/**
 * The near-zero threshold for a matrix whose root-mean-square entry is `rmsA`: the largest power of
 * two ≤ {@link NEAR_ZERO_RELATIVE} · rmsA (0 when that is 0, subnormal or not finite).
 */
export function nearZeroThreshold(rmsA: number): number {
  const t = NEAR_ZERO_RELATIVE * rmsA;
  if (!(t >= 2 ** -1022) || t === Infinity) return 0;
  SCRATCH_F64[0] = t;
  return 2 ** (((SCRATCH_U32[HI] >>> 20) & 0x7ff) - 1023); // t with its mantissa cleared
}

const SCRATCH_F64 = new Float64Array(1);
const SCRATCH_U32 = new Uint32Array(SCRATCH_F64.buffer);

/**
 * The breakdown from its tallies: `count` entries below `below` contributed `part` of the
 * avg-percent sum `total` (both Σ |aᵢⱼ − âᵢⱼ| / (|aᵢⱼ| + 1e-8)).
 */
export function nearZeroSummary(count: number, below: number, part: number, total: number): AvgPercentNearZero {
  const share = total > 0 && Number.isFinite(total) ? part / total : 0;
  return { count, below, share, dominated: share > NEAR_ZERO_DOMINANT_SHARE };
}
