import type { FloatArray } from '../core/matrix.js';

/**
 * A sum of squares Σ xᵢ² held as `ssq · 4^e` (e an integer), so that it neither overflows nor
 * underflows where the plain float64 sum would (entries above ≈ 1e154 or below ≈ 1e−154): the
 * scaling of LAPACK's `dnrm2`/`dlassq`, applied per block rather than per entry. Each block is
 * summed plainly first (full speed); only a block whose plain sum overflowed or fell below
 * 2⁻⁹⁶⁰ is summed again, divided by a power of two near its largest |xᵢ| (exact).
 *
 * @example
 * ```ts
 * const acc = new ScaledSumOfSquares();
 * const x = Float64Array.of(3e200, 4e200);
 * acc.addBlock(x[0] * x[0] + x[1] * x[1], 2, (t) => x[t]); // plain sum is ∞: rescaled
 * acc.sqrt(); // 5e200
 * ```
 */
export class ScaledSumOfSquares {
  private ssq = 0;
  private e = 0;

  /**
   * Adds Σ_t f(t)², t = 0 … count − 1, given `plain`, that sum as computed in plain float64 by
   * the caller (its fast loop). `f` is called again only when `plain` overflowed or may have
   * underflowed.
   */
  addBlock(plain: number, count: number, f: (t: number) => number): void {
    if (plain < Infinity && plain > TINY_SUM) {
      this.merge(plain, 0);
      return;
    }
    if (Number.isNaN(plain)) {
      this.ssq = NaN;
      return;
    }
    let big = 0;
    for (let t = 0; t < count; t++) big = Math.max(big, Math.abs(f(t)));
    if (big === 0) return;
    if (big === Infinity || Number.isNaN(big)) {
      this.ssq = big;
      return;
    }
    const k = Math.floor(Math.log2(big));
    // big·2⁻ᵏ ∈ [1, 2): the scaled squares sum without overflow or underflow of the large ones.
    let t2 = 0;
    for (let t = 0; t < count; t++) {
      const x = scaleBy2(f(t), -k);
      t2 += x * x;
    }
    this.merge(t2, k);
  }

  /**
   * The sum as the pair [ssq, e] with Σ xᵢ² = ssq·4^e exactly — finite for any finite entries — to
   * carry it elsewhere (e.g. a row block's result); {@link addParts} adds such a pair back.
   */
  parts(): Float64Array {
    return Float64Array.of(this.ssq, this.e);
  }

  /** Adds a sum given as the pair [ssq, e] of {@link parts} (Σ = ssq·4^e). */
  addParts(parts: ArrayLike<number>): void {
    if (!Number.isFinite(parts[0])) {
      this.ssq = Number.isNaN(this.ssq) ? NaN : parts[0];
      return;
    }
    this.merge(parts[0], parts[1]);
  }

  /** log₂ √(Σ xᵢ²), finite even where the root itself is beyond float64's range (−∞ for a zero sum). */
  log2Sqrt(): number {
    return Math.log2(this.ssq) / 2 + this.e;
  }

  /** Adds another scaled sum (ssq·4^e). */
  private merge(ssq: number, e: number): void {
    if (ssq === 0) return;
    if (this.ssq === 0) {
      this.ssq = ssq;
      this.e = e;
      return;
    }
    if (e > this.e) {
      this.ssq = this.ssq * 4 ** (this.e - e) + ssq;
      this.e = e;
    } else {
      this.ssq += ssq * 4 ** (e - this.e);
    }
    // Renormalize so that ssq stays within [1, 4) when possible (keeps later merges exact-ish).
    if (this.ssq > 0 && Number.isFinite(this.ssq)) {
      const shift = Math.floor(Math.log2(this.ssq) / 2);
      if (shift !== 0) {
        this.ssq *= 4 ** -shift;
        this.e += shift;
      }
    }
  }

  /** √(Σ xᵢ²) (∞ only when the true value is beyond float64's range). */
  sqrt(): number {
    return scaleBy2(Math.sqrt(this.ssq), this.e);
  }

  /** √(Σ xᵢ² / d), e.g. the RMSE for d = count. */
  sqrtOver(d: number): number {
    return scaleBy2(Math.sqrt(this.ssq / d), this.e);
  }

  /** √(Σ xᵢ² / Σ yᵢ²) for another sum: a ratio of norms computed without overflow. */
  ratioSqrt(other: ScaledSumOfSquares): number {
    return scaleBy2(Math.sqrt(this.ssq / other.ssq), this.e - other.e);
  }

  /** True when the sum is exactly 0. */
  isZero(): boolean {
    return this.ssq === 0;
  }

  /**
   * Σ (c·xᵢ)² for a power of two c: the sum of the scaled entries, exact, finite whenever that
   * value is (even where Σ xᵢ² itself is beyond float64's range).
   */
  sumTimesSquareOf(c: number): number {
    return scaleBy2(this.ssq, 2 * this.e + 2 * Math.log2(c));
  }
}

/**
 * Σ (c·xᵢ)², c a power of two, from the plain float64 sum of squares of `x` the caller already has
 * (e.g. `Backend.sumSquares`): that sum times c² when it neither overflowed nor may have
 * underflowed, else `x` summed again with {@link ScaledSumOfSquares}' scaling — right wherever the
 * scaled value is in range, e.g. ‖c·A‖²_F for the overflow guard's c when ‖A‖²_F is not.
 *
 * @example
 * ```ts
 * const x = Float64Array.of(3e200, 4e200);
 * sumSquaresScaledBy(Infinity, x, 2 ** -600); // (5e200 · 2⁻⁶⁰⁰)² ≈ 1.5e40
 * ```
 */
export function sumSquaresScaledBy(sumSquares: number, x: FloatArray, c: number): number {
  const acc = new ScaledSumOfSquares();
  acc.addBlock(sumSquares, x.length, (t) => x[t]);
  return acc.sumTimesSquareOf(c);
}

/** Below this a plain block sum of squares may have lost digits to underflow (2⁻⁹⁶⁰ ≈ 1e−289). */
const TINY_SUM = 2 ** -960;

/**
 * x·2^e for an integer e, in steps that neither overflow nor underflow early (`2 ** e` alone is ∞
 * or 0 beyond ±1023): exact unless the result itself leaves float64's normal range.
 *
 * @example
 * ```ts
 * scaleBy2(2 ** -1074, 1074); // 1 (2 ** 1074 alone is ∞)
 * ```
 */
export function scaleBy2(x: number, e: number): number {
  let r = x;
  let k = e;
  while (k > 1000) {
    r *= 2 ** 1000;
    k -= 1000;
  }
  while (k < -1000) {
    r *= 2 ** -1000;
    k += 1000;
  }
  return r * 2 ** k;
}

/**
 * Multiplies every entry of `x` by 2^e in place: {@link scaleBy2} over an array (the same steps,
 * so the same bits; exact unless an entry underflows).
 *
 * @example
 * ```ts
 * const s = Float64Array.of(3e300, 1); scalePow2(s, -1000); // s[0] ≈ 2.8e−1, exact
 * ```
 */
export function scalePow2(x: Float64Array, e: number): void {
  while (e !== 0) {
    const step = Math.max(-1000, Math.min(1000, e));
    const f = 2 ** step;
    for (let i = 0; i < x.length; i++) x[i] *= f;
    e -= step;
  }
}

/**
 * The Euclidean norm of a whole buffer (‖A‖_F of a matrix's data), finite whenever the true value
 * is: a plain float64 sum of squares, redone with {@link ScaledSumOfSquares}' power-of-two
 * scaling only when it overflowed or underflowed (LAPACK `dnrm2`'s idea, one extra pass at most).
 *
 * @example
 * ```ts
 * safeNorm(Float64Array.of(3e200, 4e200)); // 5e200 (the plain sum of squares overflows)
 * ```
 */
export function safeNorm(x: FloatArray): number {
  let s = 0;
  for (let t = 0; t < x.length; t++) s += x[t] * x[t];
  return normFromSumSquares(s, x);
}

/**
 * The Euclidean norm of `x` from its plain float64 sum of squares, already computed by the caller
 * (e.g. `Backend.sumSquares`, in a pass it makes anyway): √sumSquares when that sum neither
 * overflowed nor may have underflowed (below 2⁻⁹⁶⁰), else x summed again with
 * {@link ScaledSumOfSquares}' power-of-two scaling — finite whenever the true value is, with no
 * second pass in the usual case. NaN when `sumSquares` is NaN.
 *
 * @example
 * ```ts
 * const x = Float64Array.of(3e200, 4e200);
 * normFromSumSquares(x[0] * x[0] + x[1] * x[1], x); // 5e200 (the given sum is ∞: rescaled)
 * ```
 */
export function normFromSumSquares(sumSquares: number, x: FloatArray): number {
  const acc = new ScaledSumOfSquares();
  acc.addBlock(sumSquares, x.length, (t) => x[t]);
  return acc.sqrt();
}
