import { LowRankError } from '../core/errors.js';
import { scaleBy2, scalePow2 } from '../linalg/norms.js';
import { checkRank } from './validate.js';

/**
 * Rank selection shared by every method: a fixed rank, or the smallest rank meeting an energy,
 * error or compression target.
 *
 * - `rank` K: exactly K.
 * - `energy` E ∈ (0, 1]: the smallest k with Σ_{i≤k} σᵢ² ≥ E·‖A‖²_F (the share of ‖A‖²_F kept).
 * - `tol` T > 0: the smallest k with ‖A − A_k‖_F ≤ T·‖A‖_F, i.e. Σ_{i>k} σᵢ² ≤ T²·‖A‖²_F
 *   (the same criterion as energy 1 − T², stated as a relative Frobenius error).
 * - `ratio` R ≥ 1: the largest k whose factors compress by at least R,
 *   n·m / (k·(n + m)) ≥ R (the seed's compression ratio), so k = ⌊n·m / (R·(n + m))⌋.
 *
 * Exactly one may be given. Energy and tol need the singular values: from the full spectrum on the
 * exact path ({@link rankFromSpectrum}); on the randomized path from ‖A‖²_F (known exactly, one
 * pass) and the Ritz values of the sketch (see `randomizedFactorize`).
 */
export interface RankTarget {
  /** A fixed rank, 1 ≤ K ≤ min(n, m). */
  rank?: number;
  /** Share of ‖A‖²_F to keep, in (0, 1]. */
  energy?: number;
  /** Largest relative Frobenius error, > 0. */
  tol?: number;
  /** Smallest compression ratio, ≥ 1 and reachable at rank 1. */
  ratio?: number;
}

/** Which field of a {@link RankTarget} is set. */
export type RankCriterion = keyof RankTarget;

/** A validated {@link RankTarget}: one criterion and its value. */
export interface ResolvedRankTarget {
  criterion: RankCriterion;
  value: number;
}

const CRITERIA: readonly RankCriterion[] = ['rank', 'energy', 'tol', 'ratio'];

/**
 * Validates a rank target for an n×m matrix: exactly one criterion, in range.
 *
 * @param prefix prepended to the field names in messages (`'--'` for the CLI's flags).
 * @throws {@link LowRankError} `E_ARG` (one line, naming the option): none or several criteria;
 *   a rank outside [1, min(n, m)]; energy outside (0, 1]; tol ≤ 0; ratio < 1, or a ratio that no
 *   rank ≥ 1 reaches.
 * @example
 * ```ts
 * resolveRankTarget({ energy: 0.99 }, 1000, 500); // { criterion: 'energy', value: 0.99 }
 * resolveRankTarget({ rank: 5, tol: 0.1 }, 10, 10); // throws E_ARG: conflicting rank options
 * ```
 */
export function resolveRankTarget(target: RankTarget, n: number, m: number, prefix = ''): ResolvedRankTarget {
  const given = CRITERIA.filter((c) => target[c] !== undefined);
  const names = CRITERIA.map((c) => prefix + c);
  if (given.length === 0) {
    throw new LowRankError('E_ARG', `a rank option is required: one of ${names.join(', ')}`);
  }
  if (given.length > 1) {
    throw new LowRankError('E_ARG', `conflicting rank options ${given.map((c) => prefix + c).join(' and ')}: give only one of ${names.join(', ')}`);
  }
  const criterion = given[0];
  const value = target[criterion] as number;
  const name = prefix + criterion;
  switch (criterion) {
    case 'rank':
      try {
        checkRank(value, n, m);
      } catch {
        throw new LowRankError('E_ARG', `${name} must be an integer in [1, ${Math.min(n, m)}] for a ${n}×${m} matrix, got ${value}`);
      }
      break;
    case 'energy':
      if (!Number.isFinite(value) || !(value > 0 && value <= 1)) {
        throw new LowRankError('E_ARG', `${name} must be in (0, 1] (the share of ‖A‖²_F to keep), got ${value}`);
      }
      break;
    case 'tol':
      if (!Number.isFinite(value) || !(value > 0)) {
        throw new LowRankError('E_ARG', `${name} must be a relative Frobenius error > 0, got ${value}`);
      }
      break;
    case 'ratio': {
      if (!Number.isFinite(value) || !(value >= 1)) {
        throw new LowRankError('E_ARG', `${name} must be a compression ratio ≥ 1, got ${value}`);
      }
      if (rankForRatio(n, m, value) < 1) {
        const best = (n * m) / (n + m);
        throw new LowRankError('E_ARG', `${name} ${value} is out of reach for a ${n}×${m} matrix: rank 1 gives the largest ratio, ${best.toFixed(2)}`);
      }
      break;
    }
  }
  return { criterion, value };
}

/**
 * The largest rank k whose factors U (n×k), V (k×m) compress an n×m matrix by at least
 * `ratio`: n·m / (k·(n + m)) ≥ ratio. Returns 0 when even k = 1 does not reach it.
 * The result never exceeds min(n, m) for ratio ≥ 1.
 *
 * @example
 * ```ts
 * rankForRatio(100, 50, 2); // 16 (ratio 2.08; 17 would give 1.96)
 * ```
 */
export function rankForRatio(n: number, m: number, ratio: number): number {
  let k = Math.floor((n * m) / (ratio * (n + m)));
  // Guard the floor against rounding either way.
  while (k >= 1 && (n * m) / (k * (n + m)) < ratio) k--;
  while ((n * m) / ((k + 1) * (n + m)) >= ratio && k + 1 <= Math.min(n, m)) k++;
  return Math.min(k, Math.min(n, m));
}

/**
 * The tail Σ_{i>k} σᵢ² allowed by an energy or tol target, relative to ‖A‖²_F:
 * 1 − E for energy, T² for tol.
 *
 * @example
 * ```ts
 * allowedTailShare('tol', 0.1); // 0.01
 * ```
 */
export function allowedTailShare(criterion: 'energy' | 'tol', value: number): number {
  return criterion === 'energy' ? 1 - value : value * value;
}

/** Slack for rounding in the energy comparisons (relative to ‖A‖²_F), so energy 1 is reachable. */
const SLACK = 64 * 2 ** -52;

/**
 * The rank a target asks for, from singular values.
 *
 * With the full spectrum (`total` omitted, it is Σσᵢ²) energy/tol always have an answer.
 * With only the leading values (randomized path) pass `total` = ‖A‖²_F: the tail after k is then
 * taken as `total − Σ_{i≤k} σᵢ²`, and `null` means the target is not reached within the values
 * given. For Ritz values (lower bounds of the σᵢ) that tail is exactly the error of the
 * Rayleigh–Ritz approximation, so the rank returned meets the target for that approximation and
 * is at least the optimal one.
 *
 * @param s singular values, descending.
 * @param target a validated target ({@link resolveRankTarget}); `rank` and `ratio` do not need `s`.
 * @param n rows of A; @param m columns of A.
 * @example
 * ```ts
 * rankFromSpectrum([3, 2, 1], { criterion: 'energy', value: 0.9 }, 3, 3); // 2 (13/14 ≥ 0.9)
 * ```
 */
export function rankFromSpectrum(s: ArrayLike<number>, target: ResolvedRankTarget, n: number, m: number, total?: number): number | null {
  const { criterion, value } = target;
  if (criterion === 'rank') return value;
  if (criterion === 'ratio') return rankForRatio(n, m, value);
  const len = s.length;
  const allowed = allowedTailShare(criterion, value);
  // The shares are scale-invariant: work on values scaled by a power of two (exact) so that their
  // squares neither overflow (σ above ≈ 1e154) nor underflow (below ≈ 1e−154).
  const unit = unitScaledSpectrum(s, total === undefined ? undefined : Math.sqrt(total));
  const x = unit.s;
  if (total === undefined) {
    // Full spectrum: tails summed from the small end (no cancellation).
    const tails = new Float64Array(len + 1);
    for (let i = len - 1; i >= 0; i--) tails[i] = tails[i + 1] + x[i] * x[i];
    const tot = tails[0];
    for (let k = 1; k <= len; k++) if (tails[k] <= allowed * tot + SLACK * tot) return k;
    return Math.max(1, len);
  }
  const tot = unit.total;
  let cum = 0;
  for (let k = 1; k <= len; k++) {
    cum += x[k - 1] * x[k - 1];
    if (tot - cum <= allowed * tot + SLACK * tot) return k;
  }
  return null;
}

/** Singular values and ‖A‖²_F scaled together by a power of two: see {@link unitScaledSpectrum}. */
export interface UnitScaledSpectrum {
  /** c·σᵢ. */
  s: Float64Array;
  /** (c·‖A‖_F)², in [1, 4) (0 for a zero matrix). */
  total: number;
  /** c = 2^−exponent (0 when ‖A‖_F is 0): `scaleBy2(x, exponent)` turns a scaled error back into A's units. */
  exponent: number;
}

/**
 * Singular values and ‖A‖²_F scaled by one power of two c chosen so that c·‖A‖_F ∈ [1, 2): every
 * share, rank and relative error read off them is that of A (power-of-two scaling is exact), while
 * their squares stay inside float64's range where A's own leave it — Σσᵢ² overflows for ‖A‖_F
 * above ≈ 1.3e154 and underflows (to 0, or to subnormals that lost digits) below ≈ 1.5e−154.
 * Pass `s` and `total` to {@link rankFromSpectrum}, {@link energyRanks} and {@link optimalErrors}
 * (and scale the errors back by 2^exponent). σᵢ below 2⁻¹⁰⁷⁴/c (under 1e−308 of ‖A‖_F) become 0.
 *
 * @param s singular values (or Ritz values), any order.
 * @param normA ‖A‖_F, finite and ≥ 0 (e.g. from `normFromSumSquares`, which does not overflow);
 *   default the largest |sᵢ| (for shares of Σsᵢ² alone).
 * @example
 * ```ts
 * const u = unitScaledSpectrum([4e200, 3e200], 5e200); // u.s ≈ [1.31, 0.98], u.total ≈ 2.67, u.exponent = 666
 * rankFromSpectrum(u.s, { criterion: 'energy', value: 0.6 }, 2, 2, u.total); // 1 (σ₁² keeps 16/25 of ‖A‖²_F)
 * ```
 */
export function unitScaledSpectrum(s: ArrayLike<number>, normA?: number): UnitScaledSpectrum {
  if (normA === undefined) {
    normA = 0;
    for (let i = 0; i < s.length; i++) normA = Math.max(normA, Math.abs(s[i]));
  }
  let e = 0;
  if (normA > 0 && Number.isFinite(normA)) {
    e = Math.floor(Math.log2(normA));
    // log2 may round across a power of two: make 2^e ≤ normA < 2^(e+1) hold exactly.
    if (scaleBy2(1, e) > normA) e--;
    else if (scaleBy2(1, e + 1) <= normA) e++;
  }
  const out = Float64Array.from(s);
  scalePow2(out, -e);
  const unitNorm = scaleBy2(normA, -e);
  return { s: out, total: unitNorm * unitNorm, exponent: e };
}

/** One row of {@link energyRanks}. */
export interface EnergyRank {
  /** The energy share, e.g. 0.99. */
  energy: number;
  /** Smallest k keeping it, or null when not reached within the singular values given. */
  rank: number | null;
}

/**
 * The smallest ranks reaching each energy share (default 90%, 99%, 99.9%) — see
 * {@link rankFromSpectrum} for `total`.
 *
 * @example
 * ```ts
 * energyRanks(s); // [{ energy: 0.9, rank: 12 }, { energy: 0.99, rank: 40 }, { energy: 0.999, rank: 75 }]
 * ```
 */
export function energyRanks(s: ArrayLike<number>, total?: number, levels: readonly number[] = [0.9, 0.99, 0.999]): EnergyRank[] {
  return levels.map((energy) => ({ energy, rank: rankFromSpectrum(s, { criterion: 'energy', value: energy }, 1, 1, total) }));
}

/**
 * The optimal (Eckart–Young) Frobenius error of every rank k = 1 … s.length:
 * `√(Σ_{i>k} σᵢ²)`. With a partial spectrum pass `total` = ‖A‖²_F: the tails are then
 * `(total − Σᵢ σᵢ²) + Σ_{i>k} σᵢ²`, the energy beyond the values given plus theirs.
 *
 * The tails are summed from the small end, scaled by the largest term (finite for any finite
 * spectrum), never as `total − Σ_{i≤k} σᵢ²`: that difference cancels to ≈ ε·total whatever the
 * true tail, so a rank-1 matrix would report an optimal error of √ε·‖A‖_F ≈ 1e-8·‖A‖_F instead
 * of ~0. For the same reason the energy beyond the given values counts as 0 when it is within
 * the rounding of `total`, `(terms + s.length)·ε·total` (the error bound of a float64 sum of
 * `terms` squares, plus that of the σᵢ²), as an error at rounding level counts as optimal in
 * `evaluateFactorization`.
 *
 * @param s singular values, descending.
 * @param total ‖A‖²_F when `s` is not every singular value (default: `s` is complete).
 * @param terms how many squares were summed into `total` (n·m for an n×m matrix; default 1).
 * @example
 * ```ts
 * optimalErrors([3, 2, 1]); // [√5, 1, 0]
 * optimalErrors([3, 2], 20); // [√11, √7]
 * ```
 */
export function optimalErrors(s: ArrayLike<number>, total?: number, terms = 1): Float64Array {
  const len = s.length;
  const out = new Float64Array(len);
  let scale = 0;
  for (let i = 0; i < len; i++) scale = Math.max(scale, Math.abs(s[i]));
  let rest = 0;
  if (total !== undefined) {
    let given = 0;
    for (let i = len - 1; i >= 0; i--) given += s[i] * s[i];
    const beyond = total - given;
    rest = beyond > (terms + len) * Number.EPSILON * total ? beyond : 0;
    scale = Math.max(scale, Math.sqrt(rest));
  }
  if (!(scale > 0 && Number.isFinite(scale))) return out.fill(scale);
  let tail = rest / scale / scale;
  for (let i = len - 1; i >= 0; i--) {
    out[i] = scale * Math.sqrt(tail);
    tail += (s[i] / scale) ** 2;
  }
  return out;
}
