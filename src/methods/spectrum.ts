import type { Backend } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { LowRankError } from '../core/errors.js';
import { checkNormInRange } from './validate.js';
import { assertFinite, type Matrix } from '../core/matrix.js';
import { normFromSumSquares, scalePow2 } from '../linalg/norms.js';
import { randomizedSvd, type RandomizedSvdResult } from '../linalg/randomized-svd.js';
import { svd } from '../linalg/svd.js';
import { energyRanks, optimalErrors, rankFromSpectrum, unitScaledSpectrum, type EnergyRank } from './rank-selection.js';

/**
 * Largest min(n, m) for which `spectrum` computes every singular value exactly by default
 * (one-sided Jacobi: ≈ 3 s at 500×500 in the TypeScript tier). Above it the leading values come
 * from the randomized SVD.
 */
export const SPECTRUM_EXACT_MAX_SIDE = 512;

/** Without `top` on a large input: the first sketch's size. */
export const SPECTRUM_TOP_FIRST = 64;
/** Without `top` on a large input: the most the sketch grows to. */
export const SPECTRUM_TOP_MAX = 256;

/** The energy shares whose ranks `spectrum` reports. */
export const SPECTRUM_ENERGY_LEVELS: readonly number[] = [0.9, 0.99, 0.999];
const LEVELS = SPECTRUM_ENERGY_LEVELS;

/** What `spectrum` computed. */
export interface SpectrumReport {
  /** ‖A‖_F, computed exactly from the data. */
  normFrobenius: number;
  /** `exact` (one-sided Jacobi SVD) or `randomized` (leading Ritz values). */
  method: 'exact' | 'randomized';
  /** Whether the values were computed for the whole spectrum (exact path; the table may still be trimmed by --top). */
  complete: boolean;
  /** Singular values (or, randomized, Ritz values: lower bounds of them), descending. */
  singularValues: Float64Array;
  /** Share of ‖A‖²_F kept by the first k values, k = 1 … len. */
  cumulativeEnergy: Float64Array;
  /** The optimal rank-k Frobenius error √(‖A‖²_F − Σ_{i≤k} σᵢ²), k = 1 … len. */
  optimalError: Float64Array;
  /** The smallest ranks reaching 90%, 99%, 99.9% of ‖A‖²_F (null: beyond the values computed). */
  energyRanks: EnergyRank[];
  /** Randomized runs: passes over A of the last sketch, and the variant. */
  passes?: number;
  krylov?: boolean;
}

/** Options of {@link spectrum}. */
export interface SpectrumOptions {
  /** Number of values (default: all when min(n, m) ≤ {@link SPECTRUM_EXACT_MAX_SIDE}, else {@link SPECTRUM_TOP_FIRST} grown up to {@link SPECTRUM_TOP_MAX} until 99.9% energy). */
  top?: number;
  /** Seed of the randomized SVD (default 0). */
  seed?: number;
  /** Kernel tier (default: the current backend). */
  backend?: Backend;
}

/**
 * The singular values of A with what they tell: cumulative energy, the optimal error of every
 * rank (Eckart–Young) and the ranks reaching 90/99/99.9% of ‖A‖²_F. Exact when
 * min(n, m) ≤ {@link SPECTRUM_EXACT_MAX_SIDE}, else the leading values by randomized SVD (Ritz
 * values: lower bounds; energy ranks then upper bounds).
 *
 * @throws {@link LowRankError} `E_SHAPE` for an empty matrix; `E_ARG` for `top` outside
 *   [1, min(n, m)]; `E_NONFINITE` for NaN/Inf in A; `E_UNSUPPORTED` when ‖A‖_F (or σ₁) is beyond
 *   float64's range.
 * @example
 * ```ts
 * spectrum(Matrix.from([[3, 0], [4, 5]])).singularValues; // [6.708…, 2.236…]
 * ```
 */
export function spectrum(a: Matrix, options: SpectrumOptions = {}): SpectrumReport {
  assertFinite(a, 'spectrum: matrix');
  const r = Math.min(a.rows, a.cols);
  if (r === 0) throw new LowRankError('E_SHAPE', `spectrum: the matrix is empty (${a.rows}×${a.cols})`);
  const top = options.top;
  if (top !== undefined && (!Number.isInteger(top) || top < 1 || top > r)) {
    throw new LowRankError('E_ARG', `top must be an integer in [1, ${r}] for a ${a.rows}×${a.cols} matrix, got ${top}`);
  }
  return computeSpectrum(a, top, options.seed ?? 0, options.backend ?? getBackend());
}

/**
 * The spectrum report of a matrix: exact when min(n, m) ≤ {@link SPECTRUM_EXACT_MAX_SIDE} (every
 * value, or the top N), randomized otherwise (the top N; without N, 64 grown to at most 256 until
 * 99.9% of ‖A‖²_F is reached). For randomized values the energies are computed against the exact
 * ‖A‖²_F; Ritz values are lower bounds of the σᵢ, so the cumulative energies are lower bounds
 * and the energy ranks upper bounds (each met by the randomized approximation of that rank).
 *
 * @param a n×m matrix (finite). @param top number of values, or undefined for the defaults above.
 * @example
 * ```ts
 * computeSpectrum(a, undefined).energyRanks; // [{ energy: 0.9, rank: 86 }, …]
 * ```
 */
function computeSpectrum(a: Matrix, top: number | undefined, seed: number, backend: Backend): SpectrumReport {
  const r = Math.min(a.rows, a.cols);
  // ‖A‖_F without overflow or underflow: Σa² leaves float64's range for ‖A‖_F ≈ 1.3e154 up or 1.5e−154 down.
  const total = backend.sumSquares(a.data);
  const normA = normFromSumSquares(total, a.data);
  checkNormInRange(normA, a.rows, a.cols, { prefix: 'spectrum: ' });
  if (r <= SPECTRUM_EXACT_MAX_SIDE) {
    // Every value is computed anyway: the energy ranks come from all of them, --top only trims the table.
    const full = spectrumReport(svd(a, { backend }).S, normA, 'exact', true);
    if (top === undefined || top >= r) return full;
    return {
      ...full,
      singularValues: full.singularValues.slice(0, top),
      cumulativeEnergy: full.cumulativeEnergy.slice(0, top),
      optimalError: full.optimalError.slice(0, top),
    };
  }
  let n = top ?? SPECTRUM_TOP_FIRST;
  let res: RandomizedSvdResult;
  const last = { criterion: 'energy', value: LEVELS[LEVELS.length - 1] } as const;
  for (;;) {
    res = randomizedSvd(a, n, { seed, backend, sumSquares: total });
    if (top !== undefined || n >= SPECTRUM_TOP_MAX) break;
    const unit = unitScaledSpectrum(res.S, normA);
    if (rankFromSpectrum(unit.s, last, a.rows, a.cols, unit.total) !== null) break;
    const ritz = unitScaledSpectrum(res.ritzValues, normA);
    const predicted = rankFromSpectrum(ritz.s, last, a.rows, a.cols, ritz.total);
    n = Math.min(SPECTRUM_TOP_MAX, r, Math.max(2 * n, predicted ?? 0));
  }
  const out = spectrumReport(res.S, normA, 'randomized', res.S.length === r, a.rows * a.cols);
  out.passes = res.passes;
  out.krylov = res.krylov;
  return out;
}

/**
 * The report of singular values `s` (descending) of a matrix with Frobenius norm `normA`:
 * cumulative energy, optimal error of each rank and the energy ranks — against the exact ‖A‖²_F
 * when the values are not `complete` (a leading part, or Ritz lower bounds). A zero matrix has all
 * of its (zero) energy at every rank. `terms`: how many squares were summed into ‖A‖²_F (n·m
 * dense, nnz sparse; default 1), which sets its rounding level (see `optimalErrors`). Computed on
 * the values scaled by a power of two ({@link unitScaledSpectrum}), so that σ and ‖A‖_F anywhere
 * in float64's range give the same shares (their squares may not be representable).
 * @param normA ‖A‖_F, finite (e.g. `normFromSumSquares`, which does not overflow where Σa² does).
 * @example
 * ```ts
 * spectrumReport(new Float64Array([3, 1]), Math.sqrt(10), 'exact', true).cumulativeEnergy; // [0.9, 1]
 * ```
 */
export function spectrumReport(s: Float64Array, normA: number, method: 'exact' | 'randomized', complete: boolean, terms = 1): SpectrumReport {
  const unit = unitScaledSpectrum(s, normA);
  const x = unit.s;
  const total = unit.total;
  const cumulativeEnergy = new Float64Array(s.length);
  let cum = 0;
  for (let i = 0; i < s.length; i++) {
    cum += x[i] * x[i];
    cumulativeEnergy[i] = total === 0 ? 1 : Math.min(1, cum / total);
  }
  const optimalError = complete ? optimalErrors(x) : optimalErrors(x, total, terms);
  scalePow2(optimalError, unit.exponent);
  return {
    normFrobenius: normA,
    method,
    complete,
    singularValues: s,
    cumulativeEnergy,
    optimalError,
    energyRanks: complete ? energyRanks(x, undefined, LEVELS) : energyRanks(x, total, LEVELS),
  };
}

