import type { Matrix } from '../core/matrix.js';
import { explainedVarianceRatio } from '../metrics/explained-variance.js';
import { unitScaledSpectrum } from '../methods/rank-selection.js';

/**
 * PCA's explained-variance ratios σᵢ² / ‖A − 1·μᵀ‖²_F from the singular values and the Frobenius
 * norm of the centered matrix, computed on both scaled by one power of two, so that they are right
 * where σᵢ² or ‖A‖²_F leave float64's range (entries beyond ≈ 1e±154).
 *
 * @example
 * ```ts
 * explainedRatios([4e200, 3e200], 5e200); // [0.64, 0.36]
 * ```
 */
export function explainedRatios(s: ArrayLike<number>, normA: number): Float64Array {
  const u = unitScaledSpectrum(s, normA);
  return explainedVarianceRatio(u.s, u.total);
}

/**
 * One CSV field as written: quoted (with `""` for a quote) when it holds a comma, a quote or a
 * line break, as it is otherwise — what `csv.writer` writes and every CSV reader reads back.
 *
 * @example
 * ```ts
 * csvField('Heat (1995)'); // Heat (1995)
 * csvField('Toy Story, The'); // "Toy Story, The"
 * ```
 */
export function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A shape as Python prints it: `(100, 50)`. */
export function pyShape(a: Pick<Matrix, 'rows' | 'cols'>): string {
  return `(${a.rows}, ${a.cols})`;
}

/**
 * An error or norm as the report prints it: four decimals as the seed does (`24.3871`) where that
 * shows its digits — 1e−3 ≤ |x| < 1e15, or 0 — else four significant digits in exponent form, so
 * that data far from unit scale never reads as `0.0000`.
 *
 * @example
 * ```ts
 * formatMagnitude(24.38712); // '24.3871'
 * formatMagnitude(1.154e-180); // '1.1540e-180'
 * ```
 */
export function formatMagnitude(x: number): string {
  const a = Math.abs(x);
  return a === 0 || (a >= 1e-3 && a < 1e15) ? x.toFixed(4) : x.toExponential(4);
}

/** A gap (error / optimum − 1) as a signed percentage. */
export function formatGap(gap: number): string {
  if (!Number.isFinite(gap)) return 'n/a (the optimum is 0)';
  const pct = gap * 100;
  if (pct === 0) return '0% (at the optimum)';
  if (Math.abs(pct) < 1e-3) return `${pct >= 0 ? '+' : ''}${pct.toExponential(2)}%`;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(2)}%`;
}

/** Writes one JSON object to stdout (numbers as they are; typed arrays as plain arrays). */
export function printJson(value: unknown, stream: NodeJS.WritableStream = process.stdout): void {
  stream.write(
    JSON.stringify(value, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v), 2) + '\n',
  );
}
