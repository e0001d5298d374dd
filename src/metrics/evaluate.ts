import type { Matrix } from '../core/matrix.js';
import type { Backend } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { certifiedGapBound, ritzCertificate } from '../linalg/error-estimators.js';
import { randomizedSvd } from '../linalg/randomized-svd.js';
import { svd } from '../linalg/svd.js';
import { dtypeEpsilon } from '../linalg/tolerance.js';
import { AUTO_EXACT_MAX_SIDE } from '../methods/auto.js';
import type { Factorization, MethodName } from '../methods/factorization.js';
import { approximationErrorsFromFactors } from './factor-errors.js';
import { approximationErrors, type ApproximationErrors } from './errors.js';
import { compressionRatio, compressionRatioBytes } from './compression.js';
import { optimalFrobeniusError, optimalityGap } from './optimum.js';

/** Largest min(n, m) for which {@link evaluateApproximation} computes the exact optimum itself (an O(n·m·min(n,m)) SVD). */
export const OPTIMUM_MAX_SIDE = 1500;

/** Everything lowrank reports about an approximation. */
export interface Evaluation extends ApproximationErrors {
  rank: number;
  compressionRatio: number;
  compressionRatioBytes: number;
  /** Optimal rank-k Frobenius error, or null when the matrix is too large to compute it here. */
  optimum: number | null;
  /** error / optimum − 1 (0 when the error is at rounding level), or null with no exact optimum. */
  gap: number | null;
  /**
   * When the exact optimum was not computed: the optimum certified to lie in [lower, upper] by the
   * Ritz values of a randomized SVD, and the resulting bound on the gap (≥ 0; +∞ when nothing can
   * be certified). Absent otherwise.
   */
  certified?: OptimumCertificate;
}

/** The optimum bracketed without an exact SVD: see {@link Evaluation.certified}. */
export interface OptimumCertificate {
  /** √(Σ_{k<i≤L} σ̂ᵢ²) ≤ optimum (Ritz values interlace). */
  lower: number;
  /** min(this error, the Ritz approximation's error) ≥ optimum. */
  upper: number;
  /** error / lower − 1, at least 0 (see `certifiedGapBound`). */
  gapUpperBound: number;
}

/**
 * Evaluates Â (an approximation of rank `rank` stored as factors of `factorDtype`) against A:
 * error figures, compression ratios and, when A is small enough or its spectrum is given, the
 * Eckart–Young optimum and the gap.
 *
 * @example
 * ```ts
 * const e = evaluateApproximation(a, matmul(f.U, f.V), f.rank, f.U.dtype);
 * e.gap; // 0 for the exact SVD
 * ```
 */
export function evaluateApproximation(a: Matrix, approx: Matrix, rank: number, factorDtype: Matrix['dtype'], spectrum?: Float64Array): Evaluation {
  const errors = approximationErrors(a, approx);
  let s = spectrum;
  if (!s && Math.min(a.rows, a.cols) <= OPTIMUM_MAX_SIDE) s = svd(a).S;
  const optimum = s ? optimalFrobeniusError(s, rank) : null;
  return {
    rank,
    compressionRatio: compressionRatio(a.rows, a.cols, rank),
    compressionRatioBytes: compressionRatioBytes(a.rows, a.cols, rank, a.dtype, factorDtype),
    ...errors,
    optimum,
    gap: optimum === null ? null : optimalityGap(errors.frobenius, optimum),
  };
}


/**
 * Largest min(n, m) for which {@link evaluateFactorization} computes the exact optimum with an
 * exact SVD: with LAPACK (the native tier, `dgesdd`) a 2048×2048 SVD takes about a second on two
 * cores — a fraction of any run that needs it; the WebAssembly tier's Golub–Reinsch kernel takes
 * ≈ 0.25 s at 500×500 (O(n³): ≈ 2 s at 1024); the TypeScript tier's Jacobi SVD costs ≈ 3 s at
 * 500×500, so there it is kept to the size `auto` already solves exactly
 * ({@link AUTO_EXACT_MAX_SIDE}). Above these the optimum is certified from Ritz values instead.
 */
export const EXACT_OPTIMUM_MAX_SIDE = { lapack: 2048, wasm: 1024, typescript: AUTO_EXACT_MAX_SIDE } as const;

/**
 * Largest min(n, m) for which {@link evaluateFactorization} runs an exact SVD for the optimum of a
 * *randomized* factorization. That method already certifies the optimum from its own Ritz values
 * (a bracket typically 1e-4 relative wide, at no extra pass), so the exact SVD is only worth its
 * O(n·m·min(n, m)) cost while it is small beside the method's run: at 1024 a LAPACK SVD costs
 * about what the randomized run does; at 2000×2000 it took 3–20× the run (the CLI's overhead, issue 15).
 */
export const RANDOMIZED_EXACT_OPTIMUM_MAX_SIDE = 1024;

/** Options of {@link evaluateFactorization}. */
export interface EvaluateFactorizationOptions {
  /** Kernel tier (default: the current backend); decides the exact-SVD limit too. */
  backend?: Backend;
  /** Seed of the randomized SVD that certifies the optimum when no exact one is computed (default 0). */
  seed?: number;
  /**
   * ‖A‖_F of this `a` when the caller already has it (a randomized factorization of `a` has it as
   * `params.normA`): saves the pass over A that computes it. Taken as given, not checked.
   */
  normA?: number;
}

/**
 * Everything lowrank reports about a factorization A (n×m) ≈ U·V, without forming U·V or copying
 * A: the error figures from the factors in row blocks (scaled sums: finite for any finite A), the
 * compression ratios, and the Eckart–Young optimum with the gap —
 * - exactly, from the method's own spectrum (exact svd) or from an exact SVD when
 *   min(n, m) ≤ {@link EXACT_OPTIMUM_MAX_SIDE} for the backend's tier (for the randomized method
 *   also ≤ {@link RANDOMIZED_EXACT_OPTIMUM_MAX_SIDE}: it certifies the optimum itself);
 * - otherwise certified (`certified`): for the randomized method from its own Ritz values (no
 *   extra pass), for any other method from a randomized SVD of rank k (Musco & Musco 2015 block
 *   Krylov: 2q + 2 passes over A, a fraction of a gradient run).
 * An error at rounding level (≤ max(n, m)·ε·‖A‖_F, ε of the coarser of A's and the factors'
 * dtypes) counts as optimal: gap 0.
 *
 * @throws {@link LowRankError} `E_SHAPE` when the factors do not fit A.
 * @example
 * ```ts
 * const e = evaluateFactorization(a, f);
 * e.gap ?? e.certified?.gapUpperBound;
 * ```
 */
export function evaluateFactorization(
  a: Matrix,
  f: Pick<Factorization, 'U' | 'V' | 'rank' | 'spectrum'> & ({ method: Exclude<MethodName, 'randomized'> } | { method: 'randomized'; params: { optimumLowerBound: number } }),
  options: EvaluateFactorizationOptions = {},
): Evaluation {
  const backend = options.backend ?? getBackend();
  const n = a.rows;
  const m = a.cols;
  const k = f.rank;
  const errors = approximationErrorsFromFactors(a, f.U, f.V, { backend, normA: options.normA });
  const eps = Math.max(dtypeEpsilon(a.dtype), dtypeEpsilon(f.U.dtype), dtypeEpsilon(f.V.dtype));
  const floor = Math.max(n, m) * eps * errors.normA;
  const base = {
    rank: k,
    compressionRatio: compressionRatio(n, m, k),
    compressionRatioBytes: compressionRatioBytes(n, m, k, a.dtype, f.U.dtype),
    ...errors,
  };
  const tierLimit = !backend.svd ? EXACT_OPTIMUM_MAX_SIDE.typescript : backend.name === 'wasm' ? EXACT_OPTIMUM_MAX_SIDE.wasm : EXACT_OPTIMUM_MAX_SIDE.lapack;
  const limit = f.method === 'randomized' ? Math.min(tierLimit, RANDOMIZED_EXACT_OPTIMUM_MAX_SIDE) : tierLimit;
  const spectrum = f.spectrum ?? (Math.min(n, m) <= limit ? svd(a, { backend }).S : undefined);
  if (spectrum) {
    const optimum = optimalFrobeniusError(spectrum, k);
    const gap = errors.frobenius <= floor ? 0 : optimalityGap(errors.frobenius, optimum);
    return { ...base, optimum, gap };
  }
  let lower: number;
  let upper = errors.frobenius;
  if (f.method === 'randomized') {
    lower = f.params.optimumLowerBound;
  } else {
    const res = randomizedSvd(a, k, { backend, seed: options.seed });
    const c = ritzCertificate(res.ritzValues, k, errors.normA);
    lower = c.optimumLowerBound;
    // The Ritz formula's cancellation noise, √(max(n, m)·ε)·‖A‖_F, keeps `upper` an upper bound.
    upper = Math.min(upper, c.frobeniusFromRitz + Math.sqrt(Math.max(n, m) * eps) * errors.normA);
  }
  return {
    ...base,
    optimum: null,
    gap: null,
    certified: { lower, upper: Math.max(upper, lower), gapUpperBound: certifiedGapBound(errors.frobenius, lower, floor) },
  };
}
