import { LowRankError } from '../core/errors.js';
import type { DType } from '../core/matrix.js';

/**
 * Compression ratio as the seed article defines it: stored numbers before over after,
 * `n·m / (n·k + k·m)` for an n×m matrix kept as U (n×k) and V (k×m).
 * Singular values, when stored separately, add k numbers ({@link compressionRatioBytes} counts them).
 *
 * @example
 * ```ts
 * compressionRatio(100, 50, 10); // 3.333…
 * ```
 * @throws {@link LowRankError} `E_ARG` for non-positive sizes.
 */
export function compressionRatio(n: number, m: number, k: number): number {
  checkSizes(n, m, k);
  return (n * m) / (n * k + k * m);
}

/** Bytes per element of a stored dtype. */
export function bytesPerElement(dtype: DType): number {
  return dtype === 'float32' ? 4 : 8;
}

/**
 * Compression ratio in bytes: the original n×m matrix in `originalDtype` over the factors
 * (n·k + k·m elements, plus `extra` elements such as k singular values) in `factorDtype`.
 * A float64 matrix stored as float32 factors compresses twice as much as {@link compressionRatio} says.
 */
export function compressionRatioBytes(
  n: number,
  m: number,
  k: number,
  originalDtype: DType,
  factorDtype: DType,
  extra = 0,
): number {
  checkSizes(n, m, k);
  return (n * m * bytesPerElement(originalDtype)) / ((n * k + k * m + extra) * bytesPerElement(factorDtype));
}

/**
 * The largest rank whose factors are no bigger than the original, i.e. compression ratio ≥ 1:
 * ⌊n·m / (n + m)⌋ (at least 1).
 */
export function breakEvenRank(n: number, m: number): number {
  return Math.max(1, Math.floor((n * m) / (n + m)));
}

function checkSizes(n: number, m: number, k: number): void {
  for (const [name, v] of [['n', n], ['m', m], ['k', k]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new LowRankError('E_ARG', `${name} must be a positive integer, got ${v}`);
  }
}
