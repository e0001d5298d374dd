/**
 * `factorize`: the one call for a low-rank factorization A ≈ U·V of a complete matrix, whichever
 * method runs.
 *
 * @packageDocumentation
 */
import { LowRankError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { autoFactorize, exactFactorize, selectRank } from './auto.js';
import type { Factorization } from './factorization.js';
import { gradientFactorize, type GradientOptions } from './gradient.js';
import { randomizedFactorize, type RandomizedOptions } from './randomized.js';

/** The methods {@link factorize} runs on a complete matrix. */
export type FactorizeMethod = 'auto' | 'svd' | 'randomized' | 'gradient';

/** The default method of {@link factorize}: `auto` (exact SVD for small inputs, randomized SVD for large ones). */
export const DEFAULT_FACTORIZE_METHOD: FactorizeMethod = 'auto';

/**
 * Options of {@link factorize}: the method, a rank target (exactly one of `rank`, `energy`, `tol`,
 * `ratio`; the gradient method reads energy/tol targets off the spectrum first) and the chosen
 * method's own options. An option that does not apply to the chosen method is an error, never
 * silently ignored.
 */
export interface FactorizeOptions extends RandomizedOptions, Omit<GradientOptions, 'rank'> {
  /** Which method runs (default {@link DEFAULT_FACTORIZE_METHOD}). */
  method?: FactorizeMethod;
}

/** Options every method takes: the target, dtype, seed, kernel tier, progress. */
const COMMON = ['method', 'rank', 'energy', 'tol', 'ratio', 'dtype', 'backend'] as const;
const RANDOMIZED_ONLY = ['oversample', 'powerIters', 'krylov', 'normalizer', 'passes', 'tolRitz'] as const;
const GRADIENT_ONLY = ['optimizer', 'epochs', 'lr', 'momentum', 'lossTol', 'damping', 'logEvery', 'kernel', 'betas', 'eps'] as const;

/** The options each method reads (besides {@link COMMON}). */
const APPLICABLE: Record<FactorizeMethod, readonly string[]> = {
  auto: [...RANDOMIZED_ONLY, 'seed', 'split', 'onProgress', 'inputName'],
  svd: ['split', 'inputName'],
  randomized: [...RANDOMIZED_ONLY, 'seed', 'split', 'onProgress', 'inputName'],
  gradient: [...GRADIENT_ONLY, 'seed', 'onProgress'],
};

/**
 * Refuses options set (not undefined) that `method` does not read.
 * @throws {@link LowRankError} `E_ARG` naming the first such option and the methods it applies to.
 */
function checkApplicable(options: FactorizeOptions, method: FactorizeMethod): void {
  const allowed = new Set<string>([...COMMON, ...APPLICABLE[method]]);
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || allowed.has(key)) continue;
    const known = (Object.keys(APPLICABLE) as FactorizeMethod[]).filter((m) => APPLICABLE[m].includes(key));
    const where = known.length > 0 ? `applies to method ${known.join(', ')}` : 'is not an option of factorize';
    throw new LowRankError('E_ARG', `option '${key}' ${where}, not '${method}'`);
  }
}

/**
 * Low-rank factorization A (n×m) ≈ U (n×k) · V (k×m) by the chosen method:
 * - `auto` (default): the exact SVD when min(n, m) is small, else the randomized SVD
 *   (`autoFactorize`);
 * - `svd`: the exact truncated SVD, the Eckart–Young optimum (`exactFactorize`);
 * - `randomized`: Halko et al. 2011 Alg. 4.4/5.1 or block Krylov (Musco & Musco 2015);
 * - `gradient`: the seed's two-layer linear network trained by Adam on the MSE.
 *
 * The result's `method` says which ran; `params` holds that method's settings (typed by method).
 *
 * @throws {@link LowRankError} `E_ARG` for an unknown method, a missing or conflicting rank
 *   target, or an option the method does not read; as the method otherwise.
 * @example
 * ```ts
 * const f = factorize(Matrix.from([[1, 2], [3, 4], [5, 6]]), { rank: 1 });
 * f.U.shape; // [3, 1]
 * const g = factorize(a, { method: 'gradient', rank: 10, epochs: 500 });
 * ```
 */
export function factorize(a: Matrix, options: FactorizeOptions): Factorization<'svd' | 'randomized' | 'gradient'> {
  const method = options.method ?? DEFAULT_FACTORIZE_METHOD;
  if (!(method in APPLICABLE)) {
    throw new LowRankError('E_ARG', `method must be one of ${Object.keys(APPLICABLE).join(', ')}, got '${String(method)}'`);
  }
  checkApplicable(options, method);
  const { method: _method, ...rest } = options;
  switch (method) {
    case 'auto':
      return autoFactorize(a, rest);
    case 'svd':
      return exactFactorize(a, rest);
    case 'randomized':
      return randomizedFactorize(a, rest);
    case 'gradient': {
      const { rank: _rank, energy: _energy, tol: _tol, ratio: _ratio, ...training } = rest;
      const rank = selectRank(a, { rank: options.rank, energy: options.energy, tol: options.tol, ratio: options.ratio, backend: options.backend });
      return gradientFactorize(a, { ...training, rank });
    }
  }
}
